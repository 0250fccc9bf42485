"""Honours catalogue, nominations and dossiers, and the Central Board's review."""
