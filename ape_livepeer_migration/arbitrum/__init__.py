"""Arbitrum's messaging: message encodings, the real networks' Inbox/Outbox, and the local simulator."""
