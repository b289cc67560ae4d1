"""One module per command; each exposes ``run(app: AppContext, **options) -> int``."""
