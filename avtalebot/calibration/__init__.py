"""Fitting the answer scorer on labelled questions and measuring it on documents it was not fitted on."""
