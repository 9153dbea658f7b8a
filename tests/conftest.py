"""Shared test set-up: threads, hypothesis profile, and the array libraries under test."""

import os

import hypothesis

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

hypothesis.settings.register_profile("default", max_examples=40, deadline=None, print_blob=True)
hypothesis.settings.load_profile("default")
