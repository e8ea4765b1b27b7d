import sys

from avtalebot.cli import main

sys.exit(main())
