"""The custodes Pulumi plugin: serves ``custodes:aws:*``, ``custodes:azure:*`` and
``custodes:gcp:*`` components to every Pulumi language.

The Pulumi engine starts this file with the engine's address as its argument;
it prints the port it listens on and serves the provider's gRPC interface
(:mod:`custodes.components.hosting`).
"""

import sys

from custodes.components.hosting import serve

if __name__ == "__main__":
    serve(sys.argv[1:])
