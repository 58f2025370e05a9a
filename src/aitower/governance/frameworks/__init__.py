"""Frameworks as data: NIST AI RMF 1.0, ISO/IEC 42001 Annex A, custom ones, and crosswalks."""
