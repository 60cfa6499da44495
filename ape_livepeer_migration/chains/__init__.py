"""The two chains: network pairs, the anvil nodes behind a local or fork pair, and Ape's providers for both."""
