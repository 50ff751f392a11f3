"""`AnalyzeStack`: custody and attestation rules judged over the whole stack.

In a preview the key an instance names is often an unknown ARN; the engine
sends each resource's propertyDependencies, and the pack follows them to the
key instead of giving up with "can't run during preview".
"""

from __future__ import annotations

import base64
import json
from typing import Any

from custodes.crossguard.host import ENFORCEMENT_NAMES, PackProcess
from custodes.model import UNKNOWN, Resource
from tests.conftest import resource, urn
from tests.policies.conftest import PACK_DIR, mandatory, verdicts

INSTANCE = "aws:ec2/instance:Instance"
KEY = "aws:kms/key:Key"
STORE = "aws:kms/customKeyStore:CustomKeyStore"
STRICT = json.loads((PACK_DIR / "strict.json").read_text())


def snp_instance(name: str, key_urns: tuple[str, ...]) -> Resource:
    """A SEV-SNP instance whose root volume key is an ARN the preview does not know yet."""
    return resource(
        INSTANCE, name,
        {"ami": "ami-0123456789abcdef0", "instanceType": "m6a.large",
         "cpuOptions": {"amdSevSnp": "enabled"},
         "rootBlockDevice": {"encrypted": True, "kmsKeyId": UNKNOWN}},
        dependencies=key_urns,
        property_dependencies={"rootBlockDevice": key_urns} if key_urns else {},
    )


def kms_key(name: str, props: dict[str, Any] | None = None, **fields: Any) -> Resource:
    return resource(KEY, name, {"description": name, **(props or {})}, **fields)


def test_an_unknown_key_arn_is_followed_through_property_dependencies(configured: Any) -> None:
    # A key in the default KMS: customer-kms custody, below the strict minimum (HSM).
    key = kms_key("disk-key")
    server = snp_instance("payments", (key.urn,))
    pack = configured(STRICT)
    diagnostics = pack.run([key, server])
    assert ("custodes-workload-require-minimum-custody", server.urn) in mandatory(diagnostics)
    assert not any("can't run" in d.message for d in diagnostics)


def test_two_unknown_hops_reach_a_cloudhsm_key(configured: Any) -> None:
    store = resource(STORE, "hsm", {"customKeyStoreType": "AWS_CLOUDHSM",
                                    "cloudHsmClusterId": "cluster-1234567890a"})
    key = kms_key("disk-key", {"customKeyStoreId": UNKNOWN}, dependencies=(store.urn,),
                  property_dependencies={"customKeyStoreId": (store.urn,)})
    server = snp_instance("payments", (key.urn,))
    pack = configured(STRICT)
    diagnostics = pack.run([store, key, server])
    judged = {(policy, where) for _, policy, where in verdicts(diagnostics)}
    # Custody is resolved (HSM): nothing says the key is unknown or too weak.
    assert ("custodes-workload-require-minimum-custody", server.urn) not in judged
    assert ("aws-ec2-confidential-require-customer-key", server.urn) not in judged
    assert not any("unresolved" in d.message for d in diagnostics)


def test_without_dependencies_the_key_is_unresolved_and_advisory(pack: PackProcess) -> None:
    server = snp_instance("orphan", ())
    pack.configure({})
    diagnostics = pack.run([server])
    assert mandatory(diagnostics) == set()
    unresolved = [d for d in diagnostics
                  if d.policyName == "aws-ec2-confidential-require-customer-key"]
    assert unresolved and all(ENFORCEMENT_NAMES[d.enforcementLevel] == "advisory"
                              and "unresolved: " in d.message for d in unresolved)


def test_a_provider_managed_key_is_blocked_with_the_owning_resource(pack: PackProcess) -> None:
    server = resource(INSTANCE, "legacy", {
        "instanceType": "m6a.large", "cpuOptions": {"amdSevSnp": "enabled"},
        "rootBlockDevice": {"encrypted": True},
    })
    pack.configure({})
    assert mandatory(pack.run([server])) == {
        ("aws-ec2-confidential-require-customer-key", server.urn)
    }


def _release_policy(authority: str) -> str:
    document = {"version": "1.0.0", "anyOf": [{"authority": authority, "allOf": [
        {"claim": "x-ms-isolation-tee.x-ms-attestation-type", "equals": "sevsnpvm"}]}]}
    return base64.urlsafe_b64encode(json.dumps(document).encode()).decode()


def test_stack_rules_read_the_inputs_analyze_saw(pack: PackProcess) -> None:
    """azure-native flattens `properties` in outputs; rules read the inputs' shape."""
    policy = _release_policy("https://sharedweu.weu.attest.azure.net")
    inputs = {"keyName": "app-key", "vaultName": "vault", "resourceGroupName": "rg",
              "properties": {"kty": "RSA-HSM", "attributes": {"exportable": True},
                             "releasePolicy": {"data": policy}}}
    outputs = {"name": "app-key", "kty": "RSA-HSM", "attributes": {"exportable": True},
               "releasePolicy": {"data": policy, "contentType": "application/json"},
               "keyUri": "https://vault.vault.azure.net/keys/app-key"}
    key = resource("azure-native:keyvault:Key", "app-key", inputs, outputs)
    pack.configure({})
    assert ("azure-keyvault-key-require-customer-attestation", key.urn) in mandatory(
        pack.run([key])
    )


def test_findings_name_the_resource_they_belong_to(pack: PackProcess) -> None:
    key = kms_key("enclave-key")
    server = snp_instance("payments", (key.urn,))
    pack.configure({})
    diagnostics = pack.analyze_stack([key, server]).diagnostics
    assert {d.urn for d in diagnostics} <= {key.urn, server.urn}
    assert urn(INSTANCE, "payments") in {d.urn for d in diagnostics}
