"""Partnership Charters: charters kept as YAML in git, validated, and published with MkDocs."""
