"""tracktwo: software for track-two diplomacy.

Confidential problem-solving workshops between influential, unofficial members of two
communities in conflict, run by a facilitating third party (Kelman; Burton; Montville).
"""

from __future__ import annotations

__version__ = "0.1.0"
