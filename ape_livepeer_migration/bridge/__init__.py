"""The LPT bridge and the stake migration: the system's contracts, gateway transfers, the migration message codec."""
