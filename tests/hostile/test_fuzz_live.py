"""Property-based tests of the live-audit normalisers: any response the SDKs can return.

Responses are generated from the SDKs' own models (:mod:`tests.hostile.live_shapes`):
every optional member present or not, every value of its type. Whatever a
cloud answers in those shapes becomes resources, an audit graph with and
without a stack to compare against, a report, and every output format.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custodes.config import build_settings
from custodes.engine import evaluate
from custodes.model import Graph, Resource, normalise_identifier
from custodes.sources.documents import graph_from_document
from custodes.sources.live import GapRecorder, LiveRead, ReadGap, audit_graph
from custodes.sources.live import aws as live_aws
from tests.corpus.generate import cases
from tests.hostile.harness import render_all
from tests.hostile.live_shapes import azure_model, botocore_shape, proto_message, text

FUZZ = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much])
json_values = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), text),
                           lambda children: st.one_of(
                               st.lists(children, max_size=2),
                               st.dictionaries(text, children, max_size=2)), max_leaves=8)
policies = st.one_of(st.none(), text, json_values, json_values.map(json.dumps), st.just(
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": '
    '"arn:aws:iam::123456789012:root"}, "Action": "kms:*", "Resource": "*"}]}'))


@cache
def declared(cloud: str) -> Graph:
    """A stack of the corpus on ``cloud``, as its export declares it (read once: the corpus
    has hundreds of cases, and every fuzzed example asks)."""
    prefix = {"aws": "aws-", "azure": "azure-", "gcp": "gcp-"}[cloud]
    case = next(c for c in cases() if c.rule_id.startswith(prefix) and c.verdict == "violating")
    return graph_from_document(json.loads((case.directory / "export.json").read_text()), case.id)


def judge(cloud: str, resources: Sequence[Resource], gaps: Sequence[ReadGap] = ()) -> None:
    """The live read becomes a report, alone and against a declared stack, in every format."""
    unique = list({resource.urn: resource for resource in resources}.values())
    read = LiveRead(cloud, ("scope",), unique, list(gaps))
    for graph in (audit_graph([read]), audit_graph([read], declared(cloud))):
        for profile in ("default", "strict"):
            render_all(evaluate(graph, build_settings(profile)))


def _recorded(calls: list[tuple[str, str, str, list[str], str | None]]) -> list[ReadGap]:
    """Failed calls as the fetch layer records them (one gap per scope, call and reason)."""
    recorder = GapRecorder("aws")
    for scope, api, reason, types, subject in calls:
        recorder.add(scope, api, reason, types, subject)
    return recorder.gaps()


gaps = st.lists(st.tuples(text, text, text,
                          st.lists(st.sampled_from(live_aws.READ_TYPES), max_size=2),
                          st.one_of(st.none(), text)), max_size=3).map(_recorded)


# --- AWS ---------------------------------------------------------------------------------

WHERE = live_aws.Account("us-east-1", "123456789012")


@FUZZ
@given(
    instances=st.lists(botocore_shape("ec2", "Instance", ("InstanceId",)), max_size=2),
    volumes=st.lists(botocore_shape("ec2", "Volume", ("VolumeId",)), max_size=2),
    templates=st.lists(st.tuples(
        botocore_shape("ec2", "LaunchTemplate", ("LaunchTemplateId",)),
        botocore_shape("ec2", "LaunchTemplateVersion")), max_size=2),
    keys=st.lists(st.tuples(botocore_shape("kms", "KeyMetadata", ("KeyId", "Arn")), policies,
                            st.lists(text, max_size=2)), max_size=2),
    aliases=st.lists(botocore_shape("kms", "AliasListEntry", ("AliasName", "AliasArn")),
                     max_size=2),
    stores=st.lists(botocore_shape("kms", "CustomKeyStoresListEntry", ("CustomKeyStoreId",)),
                    max_size=2),
    defaults=st.builds(live_aws.EbsDefaults, st.one_of(st.none(), st.booleans()),
                       st.one_of(st.none(), text)),
    gaps=gaps,
)
def test_aws_responses_always_become_a_report(instances: Any, volumes: Any, templates: Any,
                                              keys: Any, aliases: Any, stores: Any,
                                              defaults: Any, gaps: Any) -> None:
    managed = live_aws.managed_key_map(aliases, [metadata for metadata, _, _ in keys], WHERE)
    by_id = {str(volume["VolumeId"]): volume for volume in volumes}
    resources = [live_aws.instance(data, WHERE, by_id, managed) for data in instances]
    resources += [live_aws.volume(data, WHERE, managed) for data in volumes]
    resources += [live_aws.launch_template(template, version, WHERE, managed, defaults)
                  for template, version in templates]
    resources += [live_aws.kms_key(metadata, policy, names) for metadata, policy, names in keys]
    resources += [live_aws.kms_alias(alias) for alias in aliases]
    resources += [live_aws.custom_key_store(store, WHERE) for store in stores]
    judge("aws", resources, gaps)


@FUZZ
@given(
    profiles=st.lists(botocore_shape("iam", "InstanceProfile", ("InstanceProfileName", "Arn")),
                      max_size=2),
    roles=st.lists(st.tuples(botocore_shape("iam", "Role", ("RoleName", "Arn")),
                             st.dictionaries(text, policies, max_size=2),
                             st.lists(text, max_size=2)), max_size=2),
    policies_=st.lists(st.tuples(botocore_shape("iam", "Policy", ("Arn",)), policies),
                       max_size=2),
)
def test_aws_iam_responses_always_become_a_report(profiles: Any, roles: Any,
                                                  policies_: Any) -> None:
    resources = [live_aws.instance_profile(profile) for profile in profiles]
    for data, inline, attached in roles:
        resources.append(live_aws.role(data, inline))
        resources += [live_aws.role_policy_attachment(data, arn) for arn in attached]
    resources += [live_aws.managed_policy(policy, document) for policy, document in policies_]
    judge("aws", resources)


# --- Azure -------------------------------------------------------------------------------


def arm_ids(provider: str, kind: str) -> st.SearchStrategy[str]:
    return st.builds(lambda group, name: f"/subscriptions/00000000-0000-0000-0000-000000000000/"
                                         f"resourceGroups/{group}/providers/{provider}/{kind}/"
                                         f"{name}",
                     st.text("abc-", min_size=1, max_size=6), st.text("xyz-", min_size=1,
                                                                       max_size=6))


@pytest.fixture(scope="module")
def azure() -> Any:
    from custodes.sources.live import azure as live_azure

    return live_azure


def _azure_strategies() -> dict[str, Any]:
    import azure.mgmt.compute.models as compute
    import azure.mgmt.keyvault.models as keyvault

    return {
        "virtual_machine": azure_model(compute.VirtualMachine, {
            "id": arm_ids("Microsoft.Compute", "virtualMachines")}),
        "disk": azure_model(compute.Disk, {"id": arm_ids("Microsoft.Compute", "disks")}),
        "disk_encryption_set": azure_model(compute.DiskEncryptionSet, {
            "id": arm_ids("Microsoft.Compute", "diskEncryptionSets")}),
        "vault": azure_model(keyvault.Vault, {"id": arm_ids("Microsoft.KeyVault", "vaults")}),
        "managed_hsm": azure_model(keyvault.ManagedHsm, {
            "id": arm_ids("Microsoft.KeyVault", "managedHSMs")}),
        "key": azure_model(keyvault.Key, {
            "id": arm_ids("Microsoft.KeyVault", "vaults").map(lambda v: f"{v}/keys/k1")}),
    }


@FUZZ
@given(data=st.data())
def test_azure_responses_always_become_a_report(azure: Any, data: st.DataObject) -> None:
    resources = []
    for normaliser, strategy in _azure_strategies().items():
        for item in data.draw(st.lists(strategy, max_size=2), label=normaliser):
            resources.append(getattr(azure, normaliser)(item))
    judge("azure", resources)


# --- GCP ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def gcp() -> Any:
    from custodes.sources.live import gcp as live_gcp

    return live_gcp


def _gcp_strategies() -> dict[str, Any]:
    from google.cloud import compute_v1, kms_v1

    links = st.builds(lambda zone, name: f"https://www.googleapis.com/compute/v1/projects/p/"
                                         f"zones/{zone}/{{kind}}/{name}",
                      st.sampled_from(["us-central1-a", "europe-west4-b"]),
                      st.text("abc-", min_size=1, max_size=6))
    return {
        "instance": proto_message(compute_v1.Instance, {
            "selfLink": links.map(lambda link: link.format(kind="instances"))}),
        "disk": proto_message(compute_v1.Disk, {
            "selfLink": links.map(lambda link: link.format(kind="disks"))}),
        "crypto_key": proto_message(kms_v1.CryptoKey, {
            "name": st.text("abc", min_size=1, max_size=5).map(
                lambda name: f"projects/p/locations/global/keyRings/r/cryptoKeys/{name}")}),
    }


@FUZZ
@given(data=st.data())
def test_gcp_responses_always_become_a_report(gcp: Any, data: st.DataObject) -> None:
    strategies = _gcp_strategies()
    disks = data.draw(st.lists(strategies["disk"], max_size=2), label="disks")
    by_link = {normalise_identifier(disk["selfLink"]): disk for disk in disks}
    resources = [gcp.disk(disk) for disk in disks]
    resources += [gcp.instance(item, by_link)
                  for item in data.draw(st.lists(strategies["instance"], max_size=2))]
    resources += [gcp.crypto_key(item)
                  for item in data.draw(st.lists(strategies["crypto_key"], max_size=2))]
    judge("gcp", resources)
