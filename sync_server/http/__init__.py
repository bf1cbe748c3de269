"""The thin HTTP layer: parses requests, calls domain services, renders answers."""
