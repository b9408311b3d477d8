"""Housekeeping the worker does besides syncing: storage figures for monitoring, retention."""
