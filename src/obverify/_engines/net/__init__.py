"""The network: the HTTP loader (the requests/urllib3 fence), its network policy, the document cache, store,
recording loader and the loader factory."""
