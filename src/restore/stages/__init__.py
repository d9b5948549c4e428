"""Pipeline stages, one module each; :func:`restore.pipeline.build_stages` wires them by name."""
