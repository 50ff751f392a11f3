"""custodes: keep the keys and the attestation of confidential workloads in the customer's hands.

The policy engine (``custodes check``) reads a Pulumi program, a preview or a
stack export into one resource graph, derives who holds each key of each
confidential workload, and runs the rule catalogue over it. The components
(``custodes.aws``, ``custodes.azure``, ``custodes.gcp``) declare confidential
workloads that pass it by default.
"""

__version__ = "0.1.0"
