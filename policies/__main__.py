"""custodes as a CrossGuard policy pack: `pulumi preview --policy-pack <this directory>`.

Every policy comes from custodes' rule catalogue; see README.md beside this file.
"""

from custodes.crossguard import serve

serve()
