"""Embedding, Chroma (embedded or server), the BM25 keyword index, snapshots and hybrid retrieval.

The only package that imports chromadb / langchain_chroma.
"""
