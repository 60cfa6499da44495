"""The Livepeer protocol on either layer: deployment of the L1 protocol, ticket payments, reward economics."""
