"""Peer challenge forms, one module per part: programmes, a challenge's workspace and
scheduling."""
