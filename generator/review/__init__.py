"""Review: what a change does to a charter, who must sign it off, and its history."""
