"""The HTTP service: the JSON API, operations endpoints and (in ``pages``) the web app."""
