"""The fake OpenAI API for the real-client tests of this folder (``support_fake_openai``)."""

from support_fake_openai import fake_openai

__all__ = ["fake_openai"]
