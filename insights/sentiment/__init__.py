"""Offline Spanish sentiment (positivo / neutro / negativo) for replies and mentions."""
