"""Peer challenge pages, one module per part: programmes and their pairings, declared
conflicts, the reciprocity ledger, scheduling a challenge and each challenge's workspace
(`challenges/`)."""
