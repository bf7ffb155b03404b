"""Tracker and lock stores, named in endpoints.yml by their class path.

Rasa loads this package whenever it reads the endpoints, `rasa shell` included, which makes it a
place to apply the measured fixes of patches/ to the Rasa server (channels/ is the other).
"""

import patches

patches.apply_all()
