"""Resources from public releases: the catalogue of sources, download and checksum verification, the manifest
checks every run makes, and the compact local stores built once (population frequencies, gene-disease links)."""
