"""Policy loading: strict YAML source → schema check → compile → frozen model."""
