"""Frame-averaging strategies, fixtures and property checks (each check returns an error size)."""
