"""A stand-in for Google's OAuth 2.0 / OpenID Connect provider, for development and tests."""
