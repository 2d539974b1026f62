"""Tests of what a hostile visitor tries."""
