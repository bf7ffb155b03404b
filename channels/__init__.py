"""Custom Rasa input channels, named in credentials.yml by their class path.

Rasa loads this package when it starts its channels, which makes it a place to apply the
measured fixes of patches/ to the Rasa server (stores/ is the other).
"""

import patches

patches.apply_all()
