"""The library's facade over a deployment on both chains (``Livepeer``) and its address book."""
