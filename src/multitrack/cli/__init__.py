"""Command-line front end (typer + rich); it renders, it never analyses."""

from .app import app, main

__all__ = ["app", "main"]
