"""Compiled runtime model: a scenario resolved to UTC arrays for the engine and the KPIs."""

from sim.model.compile import CHANNELS, CHAT, EMAIL, SOCIAL, VOICE, Model, compile_model

__all__ = ["CHANNELS", "CHAT", "EMAIL", "SOCIAL", "VOICE", "Model", "compile_model"]
