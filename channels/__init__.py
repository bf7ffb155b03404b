"""Custom Rasa input channels, named in credentials.yml by their class path.

Rasa loads this package when it starts its channels, which makes it the place to apply the
measured fixes of patches/ to the Rasa server.
"""

from patches import remote_action

remote_action.apply()
