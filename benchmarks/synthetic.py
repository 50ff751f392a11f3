"""Synthetic Pulumi stacks for the benchmarks, generated deterministically from a seed.

:func:`stack_export` and :func:`preview` build a stack of exactly ``count``
resources in the shapes the Pulumi CLI writes (``pulumi stack export``,
version 3, and ``pulumi preview --json`` with ``steps[].newState``), with a
realistic mix of the three clouds:

* AWS: SEV-SNP instances and Nitro Enclaves parents, KMS keys (some in
  CloudHSM custom key stores), aliases, IAM roles, instance profiles and role
  policies, EBS volumes and volume attachments;
* Azure: confidential VMs with disk encryption sets, Key Vault keys with
  Secure Key Release policies and attestation providers;
* GCP: confidential instances with Cloud KMS crypto keys, key rings and IAM
  members;
* non-confidential noise (networks, buckets, ordinary VMs), some of it tagged
  as classified data.

Every reference between resources is recorded as a dependency and a property
dependency; in a preview, a reference to a resource that is still to be
created is Pulumi's unknown value, as the CLI writes it. A few workloads break
a rule (an AWS-managed key, a shared attestation endpoint, an unsupported
size …) so that the engine has findings to report.

:func:`terraform_plan` builds the ``terraform show -json`` plan of ``count``
``aws_instance`` resources that Checkov is timed on.

The same (count, seed) always gives the same bytes: no clock, no uuid, one
:class:`random.Random`.
"""

from __future__ import annotations

import base64
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
SECRET_SIG = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270"}
TIME = "2025-06-01T12:00:00.000000000Z"
PULUMI_VERSION = "v3.272.0"
ACCOUNT = "123456789012"
SUBSCRIPTION = "00000000-0000-4000-8000-000000000001"
TENANT = "00000000-0000-4000-8000-000000000002"
GCP_PROJECT = "custodes-bench"


@dataclass
class State:
    """One resource state as ``pulumi stack export`` writes it, plus its references."""

    urn: str
    type: str
    id: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    provider: str | None
    parent: str | None
    # (path from the top-level input, URN referred to)
    references: list[tuple[tuple[str | int, ...], str]] = field(default_factory=list)
    # Where the program declared it (``project:///main.py#12,5``), as Pulumi records it.
    source_position: str | None = None

    def document(self) -> dict[str, Any]:
        """The state object of a stack export."""
        property_dependencies: dict[str, list[str]] = {}
        for path, urn in self.references:
            urns = property_dependencies.setdefault(str(path[0]), [])
            if urn not in urns:
                urns.append(urn)
        dependencies = sorted({urn for urns in property_dependencies.values() for urn in urns})
        state: dict[str, Any] = {
            "urn": self.urn,
            "custom": self.provider is not None,
            "id": self.id,
            "type": self.type,
            "inputs": self.inputs,
            "outputs": self.outputs,
        }
        if self.parent:
            state["parent"] = self.parent
        if self.provider:
            state["provider"] = self.provider
        state["dependencies"] = dependencies
        state["propertyDependencies"] = property_dependencies
        if self.source_position:
            state["sourcePosition"] = self.source_position
        state["created"] = TIME
        state["modified"] = TIME
        return state


class Stack:
    """A stack being built: resources in declaration order, with their references."""

    def __init__(self, project: str, stack: str, rng: random.Random) -> None:
        self.project = project
        self.stack = stack
        self.rng = rng
        self.states: list[State] = []
        self.root = self.urn("pulumi:pulumi:Stack", f"{project}-{stack}")
        self.states.append(State(self.root, "pulumi:pulumi:Stack", "", {}, {}, None, None))
        self.providers: dict[str, str] = {}

    def urn(self, type_token: str, name: str) -> str:
        """The URN of a resource of this stack."""
        return f"urn:pulumi:{self.stack}::{self.project}::{type_token}::{name}"

    def provider(self, package: str) -> str:
        """The default provider reference of ``package`` (declared on first use)."""
        if package not in self.providers:
            type_token = f"pulumi:providers:{package}"
            urn = self.urn(type_token, "default")
            identifier = f"{self.rng.getrandbits(128):032x}"
            inputs = {"version": {"aws": "7.14.0", "azure-native": "3.8.0",
                                  "gcp": "8.41.1"}.get(package, "1.0.0")}
            if package == "aws":
                inputs["region"] = "eu-west-1"
            self.states.append(State(urn, type_token, identifier, inputs, dict(inputs),
                                     None, self.root))
            self.providers[package] = f"{urn}::{identifier}"
        return self.providers[package]

    def add(self, type_token: str, name: str, identifier: str, inputs: dict[str, Any],
            outputs: dict[str, Any], references: list[tuple[tuple[str | int, ...], str]]
            | None = None) -> State:
        """Declare one custom resource."""
        package = type_token.split(":", 1)[0]
        # One program module per cloud; a resource type is declared on a few lines of it.
        line = 10 + sum(map(ord, type_token)) % 200 + self.rng.randrange(3) * 7
        state = State(self.urn(type_token, name), type_token, identifier, inputs,
                      {**inputs, **outputs, "id": identifier}, self.provider(package),
                      self.root, list(references or []),
                      f"project:///infra/{package.split('-')[0]}.py#{line},5")
        self.states.append(state)
        return state

    def __len__(self) -> int:
        return len(self.states)


def _hex(rng: random.Random, digits: int) -> str:
    return f"{rng.getrandbits(digits * 4):0{digits}x}"


def _uuid(rng: random.Random) -> str:
    text = _hex(rng, 32)
    return f"{text[:8]}-{text[8:12]}-4{text[13:16]}-8{text[17:20]}-{text[20:]}"


def _secret(rng: random.Random) -> dict[str, Any]:
    return {**SECRET_SIG, "ciphertext": "v1:" + base64.b64encode(rng.randbytes(48)).decode()}


def _tags(rng: random.Random, name: str, classified: bool = False) -> dict[str, str]:
    tags = {"Name": name, "team": rng.choice(("payments", "ledger", "identity", "search")),
            "env": rng.choice(("prod", "staging"))}
    if classified:
        tags["data-classification"] = rng.choice(("confidential", "restricted"))
    return tags


# --- AWS -----------------------------------------------------------------------------


class Aws:
    """AWS building blocks, sharing key stores between workloads."""

    # The share of enclave parents whose role reaches keys through IAM (see enclave_workload).
    iam_kms_share = 0.0

    def __init__(self, stack: Stack) -> None:
        self.s = stack
        self.rng = stack.rng
        self.stores: list[State] = []
        self.subnets: list[State] = []
        self.n = 0

    def _name(self, kind: str) -> str:
        self.n += 1
        return f"{kind}-{self.n}"

    def network(self) -> State:
        """A VPC and subnet (reused by later instances)."""
        if self.subnets and self.rng.random() < 0.9:
            return self.rng.choice(self.subnets)
        name = self._name("vpc")
        vpc_id = f"vpc-{_hex(self.rng, 17)}"
        vpc = self.s.add("aws:ec2/vpc:Vpc", name, vpc_id,
                         {"cidrBlock": "10.0.0.0/16", "enableDnsHostnames": True,
                          "tags": _tags(self.rng, name)},
                         {"arn": f"arn:aws:ec2:eu-west-1:{ACCOUNT}:vpc/{vpc_id}",
                          "defaultSecurityGroupId": f"sg-{_hex(self.rng, 17)}"})
        subnet_id = f"subnet-{_hex(self.rng, 17)}"
        subnet = self.s.add("aws:ec2/subnet:Subnet", f"{name}-a", subnet_id,
                            {"vpcId": vpc_id, "cidrBlock": "10.0.1.0/24",
                             "availabilityZone": "eu-west-1a"},
                            {"arn": f"arn:aws:ec2:eu-west-1:{ACCOUNT}:subnet/{subnet_id}"},
                            [(("vpcId",), vpc.urn)])
        self.subnets.append(subnet)
        return subnet

    def key_store(self) -> State:
        """A CloudHSM custom key store, shared by about 25 keys."""
        if self.stores and self.rng.random() < 0.96:
            return self.rng.choice(self.stores)
        name = self._name("hsm-store")
        identifier = f"cks-{_hex(self.rng, 17)}"
        inputs: dict[str, Any] = {
            "customKeyStoreName": name,
            "cloudHsmClusterId": f"cluster-{_hex(self.rng, 11)}",
            "trustAnchorCertificate": "-----BEGIN CERTIFICATE-----\nMIIB"
                                      + base64.b64encode(self.rng.randbytes(96)).decode()
                                      + "\n-----END CERTIFICATE-----",
        }
        if self.rng.random() < 0.3:
            inputs["keyStorePassword"] = _secret(self.rng)  # advisory finding
        store = self.s.add("aws:kms/customKeyStore:CustomKeyStore", name, identifier, inputs,
                           {"customKeyStoreType": "AWS_CLOUDHSM"})
        self.stores.append(store)
        return store

    def key(self, policy: str | None = None, hsm: bool = True) -> State:
        """A customer managed KMS key with an alias, in a CloudHSM key store when ``hsm``."""
        name = self._name("key")
        key_id = _uuid(self.rng)
        arn = f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/{key_id}"
        inputs: dict[str, Any] = {
            "description": f"data key {name}",
            "keyUsage": "ENCRYPT_DECRYPT",
            "customerMasterKeySpec": "SYMMETRIC_DEFAULT",
            "enableKeyRotation": not hsm,
            "deletionWindowInDays": 30,
            "tags": _tags(self.rng, name),
        }
        references: list[tuple[tuple[str | int, ...], str]] = []
        if hsm:
            store = self.key_store()
            inputs["customKeyStoreId"] = store.id
            references.append((("customKeyStoreId",), store.urn))
        if policy is not None:
            inputs["policy"] = policy
        key = self.s.add("aws:kms/key:Key", name, key_id, inputs,
                         {"arn": arn, "keyId": key_id, "isEnabled": True, "multiRegion": False},
                         references)
        self.s.add("aws:kms/alias:Alias", f"{name}-alias", f"alias/{name}",
                   {"name": f"alias/{name}", "targetKeyId": key_id},
                   {"arn": f"arn:aws:kms:eu-west-1:{ACCOUNT}:alias/{name}",
                    "targetKeyArn": arn},
                   [(("targetKeyId",), key.urn)])
        return key

    def instance(self, name: str, instance_type: str, options: dict[str, Any],
                 root_key: State | None, root_key_value: str | None = None,
                 profile: State | None = None, classified: bool = False) -> State:
        """An EC2 instance with a root volume, one data volume and optional profile."""
        subnet = self.network()
        identifier = f"i-{_hex(self.rng, 17)}"
        references: list[tuple[tuple[str | int, ...], str]] = [(("subnetId",), subnet.urn)]
        root: dict[str, Any] = {"encrypted": True, "volumeSize": self.rng.choice((30, 50, 100)),
                                "volumeType": "gp3", "deleteOnTermination": True}
        if root_key is not None:
            root["kmsKeyId"] = root_key.outputs["arn"]
            references.append((("rootBlockDevice", "kmsKeyId"), root_key.urn))
        elif root_key_value is not None:
            root["kmsKeyId"] = root_key_value
        inputs: dict[str, Any] = {
            "ami": f"ami-{_hex(self.rng, 17)}",
            "instanceType": instance_type,
            "subnetId": subnet.id,
            "rootBlockDevice": root,
            "metadataOptions": {"httpTokens": "required", "httpEndpoint": "enabled"},
            "monitoring": True,
            "tags": _tags(self.rng, name, classified),
            **options,
        }
        if profile is not None:
            inputs["iamInstanceProfile"] = profile.id
            references.append((("iamInstanceProfile",), profile.urn))
        outputs = {
            "arn": f"arn:aws:ec2:eu-west-1:{ACCOUNT}:instance/{identifier}",
            "availabilityZone": "eu-west-1a",
            "instanceState": "running",
            "privateIp": f"10.0.{self.rng.randrange(1, 255)}.{self.rng.randrange(1, 255)}",
            "privateDns": "ip-10-0-0-1.eu-west-1.compute.internal",
            "primaryNetworkInterfaceId": f"eni-{_hex(self.rng, 17)}",
            "tenancy": "default",
            "hostId": "",
            "ebsOptimized": True,
            "rootBlockDevice": {**root, "volumeId": f"vol-{_hex(self.rng, 17)}",
                                "deviceName": "/dev/xvda", "iops": 3000, "throughput": 125},
            "tagsAll": inputs["tags"],
        }
        return self.s.add("aws:ec2/instance:Instance", name, identifier, inputs, outputs,
                          references)

    def data_volume(self, instance: State, key: State | None) -> None:
        """An EBS volume attached to ``instance``."""
        name = self._name("data")
        identifier = f"vol-{_hex(self.rng, 17)}"
        inputs: dict[str, Any] = {"availabilityZone": "eu-west-1a", "size": 200, "type": "gp3",
                                  "encrypted": True}
        references: list[tuple[tuple[str | int, ...], str]] = []
        if key is not None:
            inputs["kmsKeyId"] = key.outputs["arn"]
            references.append((("kmsKeyId",), key.urn))
        volume = self.s.add("aws:ebs/volume:Volume", name, identifier, inputs,
                            {"arn": f"arn:aws:ec2:eu-west-1:{ACCOUNT}:volume/{identifier}"},
                            references)
        self.s.add("aws:ec2/volumeAttachment:VolumeAttachment", f"{name}-attach",
                   f"vai-{self.rng.getrandbits(32)}",
                   {"deviceName": "/dev/sdf", "instanceId": instance.id, "volumeId": volume.id},
                   {}, [(("instanceId",), instance.urn), (("volumeId",), volume.urn)])

    def snp_workload(self) -> None:
        """A SEV-SNP instance; about one in eight breaks a rule."""
        name = self._name("snp")
        roll = self.rng.random()
        key = None if roll < 0.05 else self.key(hsm=self.rng.random() < 0.8)
        key_value = "alias/aws/ebs" if roll < 0.025 else None
        instance_type = "m5.large" if 0.05 <= roll < 0.07 else self.rng.choice(
            ("m6a.large", "m6a.xlarge", "c6a.2xlarge", "r6a.large"))
        instance = self.instance(name, instance_type, {"cpuOptions": {"amdSevSnp": "enabled"}},
                                 key, key_value, classified=self.rng.random() < 0.5)
        if self.rng.random() < 0.5:
            self.data_volume(instance, key if self.rng.random() < 0.9 else None)

    def enclave_workload(self) -> None:
        """A Nitro Enclaves parent whose role may use a key on attestation."""
        name = self._name("enclave")
        role_name = f"{name}-role"
        role_arn = f"arn:aws:iam::{ACCOUNT}:role/{role_name}"
        role = self.s.add("aws:iam/role:Role", role_name, role_name, {
            "name": role_name,
            "assumeRolePolicy": json.dumps({"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": "sts:AssumeRole",
                "Principal": {"Service": "ec2.amazonaws.com"}}]}),
        }, {"arn": role_arn, "uniqueId": f"AROA{_hex(self.rng, 16).upper()}"})
        profile = self.s.add("aws:iam/instanceProfile:InstanceProfile", f"{name}-profile",
                             f"{name}-profile", {"name": f"{name}-profile", "role": role_name},
                             {"arn": f"arn:aws:iam::{ACCOUNT}:instance-profile/{name}-profile"},
                             [(("role",), role.urn)])
        conditioned = self.rng.random() > 0.08
        statement: dict[str, Any] = {
            "Sid": "EnclaveDecrypt", "Effect": "Allow",
            "Principal": {"AWS": role_arn},
            "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": "*",
        }
        if conditioned:
            statement["Condition"] = {"StringEqualsIgnoreCase": {
                "kms:RecipientAttestation:ImageSha384": _hex(self.rng, 96)}}
        policy = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Sid": "Enable IAM User Permissions", "Effect": "Allow",
             "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "kms:*",
             "Resource": "*"},
            {"Sid": "Admin", "Effect": "Allow",
             "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/key-admin"},
             "Action": ["kms:Create*", "kms:Describe*", "kms:Enable*", "kms:Put*"],
             "Resource": "*"},
            statement,
        ]})
        # Keys name the role in their policy. A share (``iam_kms_share``, none by default)
        # keep the default key policy and rely on the role's IAM policy instead: custodes
        # then finds that role reaching every key with the default policy.
        through_iam = self.rng.random() < self.iam_kms_share
        key = self.key(policy=None if through_iam else policy, hsm=self.rng.random() < 0.7)
        if self.rng.random() < 0.3:
            self.s.add("aws:iam/rolePolicyAttachment:RolePolicyAttachment", f"{name}-ssm",
                       f"{role_name}-ssm", {
                           "role": role_name,
                           "policyArn": "arn:aws:iam::aws:policy/" + (
                               "AdministratorAccess" if self.rng.random() < self.iam_kms_share
                               else "AmazonSSMManagedInstanceCore")},
                       {}, [(("role",), role.urn)])
        self.s.add("aws:iam/rolePolicy:RolePolicy", f"{name}-logs", f"{role_name}:logs", {
            "role": role_name,
            "policy": json.dumps({"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": ["logs:PutLogEvents"], "Resource": "*"}] + ([{
                    "Effect": "Allow", "Action": ["kms:Decrypt"],
                    "Resource": key.outputs["arn"]}] if through_iam else [])}),
        }, {}, [(("role",), role.urn)] + ([(("policy",), key.urn)] if through_iam else []))
        self.instance(name, self.rng.choice(("m5.xlarge", "c5.2xlarge", "m6i.xlarge")),
                      {"enclaveOptions": {"enabled": True}}, key, profile=profile)

    def noise(self) -> None:
        """A bucket, a security group or an ordinary instance."""
        roll = self.rng.random()
        name = self._name("app")
        if roll < 0.4:
            self.s.add("aws:s3/bucketV2:BucketV2", name, f"{name}-{_hex(self.rng, 8)}",
                       {"bucket": f"{name}-{_hex(self.rng, 8)}", "tags": _tags(self.rng, name)},
                       {"arn": f"arn:aws:s3:::{name}", "bucketDomainName": f"{name}.s3"})
        elif roll < 0.7:
            subnet = self.network()
            self.s.add("aws:ec2/securityGroup:SecurityGroup", name, f"sg-{_hex(self.rng, 17)}", {
                "vpcId": subnet.inputs["vpcId"], "description": "app",
                "ingress": [{"protocol": "tcp", "fromPort": 443, "toPort": 443,
                             "cidrBlocks": ["10.0.0.0/8"]}],
                "egress": [{"protocol": "-1", "fromPort": 0, "toPort": 0,
                            "cidrBlocks": ["0.0.0.0/0"]}],
            }, {"arn": f"arn:aws:ec2:eu-west-1:{ACCOUNT}:security-group/{name}"},
                [(("vpcId",), subnet.references[0][1])])
        else:
            # An ordinary instance; a few carry a classification tag (a finding).
            self.instance(name, self.rng.choice(("t3.micro", "t3.large", "m5.large")), {},
                          None, classified=self.rng.random() < 0.05)


# --- Azure ---------------------------------------------------------------------------


class Azure:
    """Azure building blocks, sharing vaults and attestation providers."""

    def __init__(self, stack: Stack) -> None:
        self.s = stack
        self.rng = stack.rng
        self.groups: list[State] = []
        self.vaults: list[State] = []
        self.attestation: list[State] = []
        self.n = 0

    def _name(self, kind: str) -> str:
        self.n += 1
        return f"{kind}{self.n}"

    def group(self) -> State:
        """A resource group (reused)."""
        if self.groups and self.rng.random() < 0.95:
            return self.rng.choice(self.groups)
        name = self._name("rg-")
        group = self.s.add("azure-native:resources:ResourceGroup", name,
                           f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{name}",
                           {"resourceGroupName": name, "location": "westeurope"},
                           {"name": name})
        self.groups.append(group)
        return group

    def _rid(self, group: State, provider: str, name: str) -> str:
        return f"{group.id}/providers/{provider}/{name}"

    def vault(self) -> State:
        """A premium Key Vault, shared by about 20 keys."""
        if self.vaults and self.rng.random() < 0.95:
            return self.rng.choice(self.vaults)
        group = self.group()
        name = self._name("kv-bench-")
        vault = self.s.add("azure-native:keyvault:Vault", name,
                           self._rid(group, "Microsoft.KeyVault/vaults", name), {
                               "vaultName": name,
                               "resourceGroupName": group.inputs["resourceGroupName"],
                               "properties": {"tenantId": TENANT,
                                              "sku": {"family": "A", "name": "premium"},
                                              "enablePurgeProtection": True,
                                              "enableRbacAuthorization": True}},
                           {"name": name,
                            "properties": {"vaultUri": f"https://{name}.vault.azure.net/"}},
                           [(("resourceGroupName",), group.urn)])
        self.vaults.append(vault)
        return vault

    def attestation_provider(self) -> State:
        """A customer attestation provider, shared by about 50 keys."""
        if self.attestation and self.rng.random() < 0.98:
            return self.rng.choice(self.attestation)
        group = self.group()
        name = self._name("attest")
        provider = self.s.add(
            "azure-native:attestation:AttestationProvider", name,
            self._rid(group, "Microsoft.Attestation/attestationProviders", name),
            {"providerName": name, "resourceGroupName": group.inputs["resourceGroupName"],
             "location": "westeurope"},
            {"attestUri": f"https://{name}.weu.attest.azure.net", "status": "Ready"},
            [(("resourceGroupName",), group.urn)])
        self.attestation.append(provider)
        return provider

    def key(self) -> State:
        """An exportable RSA-HSM key with a Secure Key Release policy."""
        vault = self.vault()
        attestation = self.attestation_provider()
        name = self._name("cvm-key-")
        shared = self.rng.random() < 0.04
        authority = ("https://sharedweu.weu.attest.azure.net" if shared
                     else attestation.outputs["attestUri"])
        release = {"version": "1.0.0", "anyOf": [{"authority": authority, "allOf": [
            {"claim": "x-ms-isolation-tee.x-ms-attestation-type", "equals": "sevsnpvm"},
            {"claim": "x-ms-isolation-tee.x-ms-compliance-status",
             "equals": "azure-compliant-cvm"}]}]}
        data = base64.urlsafe_b64encode(json.dumps(release).encode()).decode().rstrip("=")
        vault_uri = vault.outputs["properties"]["vaultUri"]
        version = _hex(self.rng, 32)
        references: list[tuple[tuple[str | int, ...], str]] = [(("vaultName",), vault.urn)]
        if not shared:
            references.append((("properties", "releasePolicy", "data"), attestation.urn))
        return self.s.add("azure-native:keyvault:Key", name, f"{vault.id}/keys/{name}", {
            "keyName": name, "vaultName": vault.inputs["vaultName"],
            "resourceGroupName": vault.inputs["resourceGroupName"],
            "properties": {"kty": "RSA-HSM" if self.rng.random() < 0.9 else "RSA",
                           "keySize": 3072,
                           "keyOps": ["wrapKey", "unwrapKey"],
                           "attributes": {"enabled": True, "exportable": True},
                           "releasePolicy": {"contentType": "application/json; charset=utf-8",
                                             "data": data}},
        }, {"keyUri": f"{vault_uri}keys/{name}",
            "keyUriWithVersion": f"{vault_uri}keys/{name}/{version}"}, references)

    def cvm_workload(self) -> None:
        """A confidential VM whose OS disk key is the customer's (or, rarely, not)."""
        group = self.group()
        name = self._name("cvm")
        roll = self.rng.random()
        key = self.key()
        des_type = ("EncryptionAtRestWithCustomerKey" if roll < 0.03
                    else "ConfidentialVmEncryptedWithCustomerKey")
        des = self.s.add("azure-native:compute:DiskEncryptionSet", f"{name}-des",
                         self._rid(group, "Microsoft.Compute/diskEncryptionSets", f"{name}-des"),
                         {"diskEncryptionSetName": f"{name}-des",
                          "resourceGroupName": group.inputs["resourceGroupName"],
                          "encryptionType": des_type,
                          "identity": {"type": "SystemAssigned"},
                          "activeKey": {"keyUrl": key.outputs["keyUriWithVersion"],
                                        "sourceVault": {"id": key.id.split("/keys/")[0]}}},
                         {"identity": {"principalId": _uuid(self.rng), "tenantId": TENANT}},
                         [(("activeKey", "keyUrl"), key.urn), (("activeKey", "sourceVault", "id"), key.references[0][1]),
                          (("resourceGroupName",), group.urn)])
        nic = self.s.add("azure-native:network:NetworkInterface", f"{name}-nic",
                         self._rid(group, "Microsoft.Network/networkInterfaces", f"{name}-nic"),
                         {"resourceGroupName": group.inputs["resourceGroupName"],
                          "ipConfigurations": [{"name": "ipconfig1",
                                                "privateIPAllocationMethod": "Dynamic"}]},
                         {"macAddress": "00-0D-3A-00-00-01"},
                         [(("resourceGroupName",), group.urn)])
        encryption = "VMGuestStateOnly" if 0.03 <= roll < 0.06 else "DiskWithVMGuestState"
        security: dict[str, Any] = {"securityEncryptionType": encryption}
        references: list[tuple[tuple[str | int, ...], str]] = [
            (("resourceGroupName",), group.urn),
            (("networkProfile", "networkInterfaces", 0, "id"), nic.urn)]
        if encryption == "DiskWithVMGuestState":
            security["diskEncryptionSet"] = {"id": des.id}
            references.append((("storageProfile", "osDisk", "managedDisk", "securityProfile",
                               "diskEncryptionSet", "id"), des.urn))
        size = "Standard_D4s_v5" if 0.06 <= roll < 0.08 else self.rng.choice(
            ("Standard_DC4as_v5", "Standard_DC8as_v5", "Standard_EC4es_v5", "Standard_DC4es_v5"))
        self.s.add("azure-native:compute:VirtualMachine", name,
                   self._rid(group, "Microsoft.Compute/virtualMachines", name), {
                       "vmName": name,
                       "resourceGroupName": group.inputs["resourceGroupName"],
                       "location": "westeurope",
                       "hardwareProfile": {"vmSize": size},
                       "securityProfile": {"securityType": "ConfidentialVM", "uefiSettings": {
                           "secureBootEnabled": True, "vTpmEnabled": roll > 0.01}},
                       "storageProfile": {
                           "imageReference": {"publisher": "Canonical",
                                              "offer": "0001-com-ubuntu-confidential-vm-jammy",
                                              "sku": "22_04-lts-cvm", "version": "latest"},
                           "osDisk": {"createOption": "FromImage", "caching": "ReadWrite",
                                      "managedDisk": {"storageAccountType": "Premium_LRS",
                                                      "securityProfile": security}}},
                       "networkProfile": {"networkInterfaces": [{"id": nic.id,
                                                                 "primary": True}]},
                       "osProfile": {"computerName": name, "adminUsername": "azureuser",
                                     "adminPassword": _secret(self.rng)},
                       "tags": _tags(self.rng, name, classified=True),
                   }, {"vmId": _uuid(self.rng), "provisioningState": "Succeeded"}, references)

    def noise(self) -> None:
        """A storage account, a virtual network or an ordinary VM."""
        group = self.group()
        name = self._name("app")
        roll = self.rng.random()
        if roll < 0.4:
            self.s.add("azure-native:storage:StorageAccount", name,
                       self._rid(group, "Microsoft.Storage/storageAccounts", name),
                       {"accountName": f"st{name}", "kind": "StorageV2",
                        "resourceGroupName": group.inputs["resourceGroupName"],
                        "sku": {"name": "Standard_LRS"}, "enableHttpsTrafficOnly": True},
                       {"primaryEndpoints": {"blob": f"https://st{name}.blob.core.windows.net/"}},
                       [(("resourceGroupName",), group.urn)])
        elif roll < 0.7:
            self.s.add("azure-native:network:VirtualNetwork", name,
                       self._rid(group, "Microsoft.Network/virtualNetworks", name),
                       {"resourceGroupName": group.inputs["resourceGroupName"],
                        "addressSpace": {"addressPrefixes": ["10.1.0.0/16"]}},
                       {"etag": f"W/\"{_uuid(self.rng)}\""},
                       [(("resourceGroupName",), group.urn)])
        else:
            self.s.add("azure-native:compute:VirtualMachine", name,
                       self._rid(group, "Microsoft.Compute/virtualMachines", name),
                       {"vmName": name, "resourceGroupName": group.inputs["resourceGroupName"],
                        "hardwareProfile": {"vmSize": "Standard_D2s_v5"},
                        "storageProfile": {"osDisk": {"createOption": "FromImage",
                                                      "managedDisk": {
                                                          "storageAccountType": "Premium_LRS"}}},
                        "tags": _tags(self.rng, name, classified=self.rng.random() < 0.05)},
                       {"vmId": _uuid(self.rng)}, [(("resourceGroupName",), group.urn)])


# --- GCP -----------------------------------------------------------------------------


class Gcp:
    """GCP building blocks, sharing key rings and networks."""

    def __init__(self, stack: Stack) -> None:
        self.s = stack
        self.rng = stack.rng
        self.rings: list[State] = []
        self.networks: list[State] = []
        self.pool: State | None = None
        self.n = 0

    def _name(self, kind: str) -> str:
        self.n += 1
        return f"{kind}-{self.n}"

    def ring(self) -> State:
        """A key ring, shared by about 30 keys."""
        if self.rings and self.rng.random() < 0.97:
            return self.rng.choice(self.rings)
        name = self._name("ring")
        identifier = f"projects/{GCP_PROJECT}/locations/europe-west4/keyRings/{name}"
        ring = self.s.add("gcp:kms/keyRing:KeyRing", name, identifier,
                          {"name": name, "location": "europe-west4", "project": GCP_PROJECT},
                          {})
        self.rings.append(ring)
        return ring

    def network(self) -> State:
        """A VPC network (reused)."""
        if self.networks and self.rng.random() < 0.95:
            return self.rng.choice(self.networks)
        name = self._name("net")
        network = self.s.add("gcp:compute/network:Network", name,
                             f"projects/{GCP_PROJECT}/global/networks/{name}",
                             {"name": name, "autoCreateSubnetworks": False,
                              "project": GCP_PROJECT},
                             {"selfLink": "https://www.googleapis.com/compute/v1/projects/"
                                          f"{GCP_PROJECT}/global/networks/{name}"})
        self.networks.append(network)
        return network

    def confidential_space(self) -> State:
        """The stack's workload identity pool whose provider trusts Confidential Space."""
        if self.pool is None:
            pool_id = "confidential-space"
            self.pool = self.s.add(
                "gcp:iam/workloadIdentityPool:WorkloadIdentityPool", pool_id,
                f"projects/{GCP_PROJECT}/locations/global/workloadIdentityPools/{pool_id}",
                {"workloadIdentityPoolId": pool_id, "project": GCP_PROJECT},
                {"name": f"projects/1234/locations/global/workloadIdentityPools/{pool_id}"})
            condition = ("assertion.swname == 'CONFIDENTIAL_SPACE' && 'STABLE' in "
                         "assertion.submods.confidential_space.support_attributes && "
                         "assertion.submods.container.image_digest == 'sha256:"
                         + _hex(self.rng, 64) + "'")
            self.s.add("gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider",
                       "attestation-verifier",
                       f"{self.pool.id}/providers/attestation-verifier",
                       {"workloadIdentityPoolId": pool_id,
                        "workloadIdentityPoolProviderId": "attestation-verifier",
                        "attributeCondition": condition,
                        "attributeMapping": {"google.subject": "assertion.sub"},
                        "oidc": {"issuerUri": "https://confidentialcomputing.googleapis.com/",
                                 "allowedAudiences": ["https://sts.googleapis.com"]}},
                       {}, [(("workloadIdentityPoolId",), self.pool.urn)])
        return self.pool

    def key(self) -> State:
        """A crypto key (mostly HSM) and its IAM grant to the compute service agent."""
        ring = self.ring()
        name = self._name("cmek")
        level = self.rng.choice(("HSM", "HSM", "HSM", "EXTERNAL", "SOFTWARE"))
        key = self.s.add("gcp:kms/cryptoKey:CryptoKey", name, f"{ring.id}/cryptoKeys/{name}", {
            "name": name, "keyRing": ring.id, "purpose": "ENCRYPT_DECRYPT",
            "rotationPeriod": "7776000s",
            "versionTemplate": {"algorithm": "GOOGLE_SYMMETRIC_ENCRYPTION",
                                "protectionLevel": level},
        }, {"primaries": [{"name": f"{ring.id}/cryptoKeys/{name}/cryptoKeyVersions/1",
                           "state": "ENABLED"}]}, [(("keyRing",), ring.urn)])
        self.s.add("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember", f"{name}-agent",
                   f"{key.id}/roles/cloudkms.cryptoKeyEncrypterDecrypter",
                   {"cryptoKeyId": key.id, "role": "roles/cloudkms.cryptoKeyEncrypterDecrypter",
                    "member": "serviceAccount:service-1234@compute-system.iam.gserviceaccount.com"},
                   {"etag": "BwY="}, [(("cryptoKeyId",), key.urn)])
        if self.rng.random() < 0.25:
            pool = self.confidential_space()
            pool_id = pool.inputs["workloadIdentityPoolId"]
            self.s.add("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember", f"{name}-workload",
                       f"{key.id}/roles/cloudkms.cryptoKeyDecrypter/workload",
                       {"cryptoKeyId": key.id, "role": "roles/cloudkms.cryptoKeyDecrypter",
                        "member": "principalSet://iam.googleapis.com/projects/1234/locations/"
                                  f"global/workloadIdentityPools/{pool_id}/*"},
                       {"etag": "BwY="}, [(("cryptoKeyId",), key.urn),
                                          (("member",), pool.urn)])
        return key

    def confidential_workload(self) -> None:
        """A SEV-SNP or TDX instance with a CMEK boot disk (a few without)."""
        network = self.network()
        name = self._name("cvm")
        roll = self.rng.random()
        technology = self.rng.choice(("SEV_SNP", "SEV_SNP", "TDX", "SEV"))
        machine = {"SEV_SNP": "n2d-standard-4", "TDX": "c3-standard-4",
                   "SEV": "n2d-standard-2"}[technology]
        boot: dict[str, Any] = {"autoDelete": True, "initializeParams": {
            "image": "projects/ubuntu-os-cloud/global/images/family/ubuntu-2204-lts",
            "size": 50, "type": "pd-balanced"}}
        references: list[tuple[tuple[str | int, ...], str]] = [
            (("networkInterfaces", 0, "network"), network.urn)]
        if roll >= 0.05:
            key = self.key()
            boot["kmsKeySelfLink"] = key.id
            references.append((("bootDisk", "kmsKeySelfLink"), key.urn))
        identifier = f"projects/{GCP_PROJECT}/zones/europe-west4-a/instances/{name}"
        self.s.add("gcp:compute/instance:Instance", name, identifier, {
            "name": name, "machineType": machine, "zone": "europe-west4-a",
            "project": GCP_PROJECT,
            "minCpuPlatform": "AMD Milan" if technology == "SEV_SNP" else None,
            "confidentialInstanceConfig": {"confidentialInstanceType": technology},
            "scheduling": {"onHostMaintenance": "MIGRATE" if 0.05 <= roll < 0.08
                           else "TERMINATE", "automaticRestart": True},
            "shieldedInstanceConfig": {"enableSecureBoot": True, "enableVtpm": True,
                                       "enableIntegrityMonitoring": True},
            "bootDisk": boot,
            "networkInterfaces": [{"network": network.outputs["selfLink"]}],
            "labels": {"team": "ledger", "data-classification": "confidential"},
        }, {"selfLink": f"https://www.googleapis.com/compute/v1/{identifier}",
            "instanceId": str(self.rng.getrandbits(60)), "cpuPlatform": "AMD Milan",
            "currentStatus": "RUNNING"}, references)

    def noise(self) -> None:
        """A bucket, a subnetwork or an ordinary instance."""
        name = self._name("app")
        roll = self.rng.random()
        if roll < 0.4:
            self.s.add("gcp:storage/bucket:Bucket", name, f"{name}-{_hex(self.rng, 8)}",
                       {"name": f"{name}-{_hex(self.rng, 8)}", "location": "EU",
                        "uniformBucketLevelAccess": True},
                       {"url": f"gs://{name}", "selfLink": f"https://www.googleapis.com/"
                                                           f"storage/v1/b/{name}"})
        elif roll < 0.7:
            network = self.network()
            self.s.add("gcp:compute/subnetwork:Subnetwork", name,
                       f"projects/{GCP_PROJECT}/regions/europe-west4/subnetworks/{name}",
                       {"name": name, "network": network.outputs["selfLink"],
                        "ipCidrRange": "10.2.0.0/20", "region": "europe-west4"},
                       {"gatewayAddress": "10.2.0.1"}, [(("network",), network.urn)])
        else:
            self.s.add("gcp:compute/instance:Instance", name,
                       f"projects/{GCP_PROJECT}/zones/europe-west4-a/instances/{name}",
                       {"name": name, "machineType": "e2-medium", "zone": "europe-west4-a",
                        "bootDisk": {"initializeParams": {"image": "debian-cloud/debian-12"}},
                        "labels": {"team": "search"} if self.rng.random() > 0.05
                        else {"data-classification": "restricted"}},
                       {"instanceId": str(self.rng.getrandbits(60))})


# --- stacks --------------------------------------------------------------------------


def build(count: int, seed: int = 0, project: str = "bench", stack: str = "prod") -> Stack:
    """A stack of exactly ``count`` resources (at least 16), the same for the same seed."""
    if count < 16:
        raise ValueError("a synthetic stack has at least 16 resources")
    s = Stack(project, stack, random.Random(seed))
    aws, azure, gcp = Aws(s), Azure(s), Gcp(s)
    # (share of draws, builder): about half of the resources belong to confidential
    # workloads and their keys; the rest is noise.
    units: list[tuple[float, Callable[[], None]]] = [
        (0.16, aws.snp_workload), (0.06, aws.enclave_workload), (0.10, azure.cvm_workload),
        (0.12, gcp.confidential_workload), (0.22, aws.noise), (0.17, azure.noise),
        (0.17, gcp.noise),
    ]
    weights = [share for share, _ in units]
    builders = [builder for _, builder in units]
    # The largest unit declares 16 resources; stop early enough to fill exactly with noise.
    while len(s) < count - 16:
        s.rng.choices(builders, weights)[0]()
    while len(s) < count:
        s.rng.choice((aws, azure, gcp)).noise()
        while len(s) > count:  # an AWS noise instance may declare a VPC and subnet too
            s.states.pop()
    # A noise builder may have declared a network that the popped resource used: keep only
    # references to resources that exist.
    urns = {state.urn for state in s.states}
    for state in s.states:
        state.references = [(path, urn) for path, urn in state.references if urn in urns]
    return s


def stack_export(count: int, seed: int = 0, project: str = "bench",
                 stack: str = "prod") -> dict[str, Any]:
    """A ``pulumi stack export`` document (version 3) of ``count`` resources."""
    return export_of(build(count, seed, project, stack), seed)


def snp_fleet(instances: int, seed: int = 0, project: str = "bench",
              stack: str = "prod") -> Stack:
    """Issue 15's stack: ``instances`` SEV-SNP instances and half as many KMS keys.

    Lean resources (about 800 bytes each as the CLI writes them: 12 MB for 10,000
    instances), so that reading the file is cheap and custodes' own work shows:
    every other instance's root volume is on the AWS-managed key
    (``alias/aws/ebs``), the others each on a customer managed key of their own.
    """
    s = Stack(project, stack, random.Random(seed))
    rng = s.rng
    for index in range(instances):
        root: dict[str, Any] = {"encrypted": True, "volumeSize": 30, "volumeType": "gp3"}
        references: list[tuple[tuple[str | int, ...], str]] = []
        if index % 2:
            root["kmsKeyId"] = "alias/aws/ebs"
        else:
            key_id = _uuid(rng)
            arn = f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/{key_id}"
            key = s.add("aws:kms/key:Key", f"key-{index}", key_id,
                        {"description": f"root key of snp-{index}",
                         "enableKeyRotation": True},
                        {"arn": arn, "keyId": key_id})
            root["kmsKeyId"] = arn
            references.append((("rootBlockDevice",), key.urn))
        identifier = f"i-{_hex(rng, 17)}"
        s.add("aws:ec2/instance:Instance", f"snp-{index}", identifier,
              {"ami": "ami-0abcdef1234567890",
               "instanceType": rng.choice(("m6a.large", "c6a.xlarge", "r6a.large")),
               "cpuOptions": {"amdSevSnp": "enabled"}, "rootBlockDevice": root},
              {"arn": f"arn:aws:ec2:eu-west-1:{ACCOUNT}:instance/{identifier}"},
              references)
    return s


def unknowns_preview(instances: int, seed: int = 0, unknowns: int = 200) -> dict[str, Any]:
    """Issue 15's unknowns case: a preview of ``instances`` SEV-SNP instances still to be
    created, each with ``unknowns`` unknown-valued inputs (its type, its root volume's
    key and ``unknowns - 2`` others), every one of which custodes must mark unresolved
    or pass over, never silently judge."""
    s = Stack("bench", "prod", random.Random(seed))
    for index in range(instances):
        inputs: dict[str, Any] = {
            "ami": "ami-0abcdef1234567890",
            "instanceType": UNKNOWN,
            "cpuOptions": {"amdSevSnp": "enabled"},
            "rootBlockDevice": {"encrypted": True, "kmsKeyId": UNKNOWN},
        }
        inputs.update((f"setting{number:03d}", UNKNOWN) for number in range(unknowns - 2))
        s.add("aws:ec2/instance:Instance", f"snp-{index}", "", inputs, {})
    steps = []
    for state in s.states:
        document = state.document()
        del document["created"], document["modified"]
        document["outputs"] = dict(document["inputs"])
        steps.append({"op": "same" if state.type.startswith("pulumi:") else "create",
                      "urn": state.urn, "provider": state.provider or "", "newState": document})
    return {"config": {"aws:region": "eu-west-1"}, "steps": steps, "duration": 0,
            "changeSummary": {"create": instances, "same": len(steps) - instances}}


def big_value_export(megabytes: int, seed: int = 0) -> dict[str, Any]:
    """Issue 15's big value: a stack export of one SEV-SNP instance whose root volume's
    ``kmsKeyId`` (a value the custody notes and rule messages name) is one string of
    ``megabytes`` MB, a key outside the stack."""
    s = Stack("bench", "prod", random.Random(seed))
    s.add("aws:ec2/instance:Instance", "snp-big", "i-0123456789abcdef0",
          {"ami": "ami-0abcdef1234567890", "instanceType": "m6a.large",
           "cpuOptions": {"amdSevSnp": "enabled"},
           "rootBlockDevice": {"encrypted": True,
                               "kmsKeyId": "arn:aws:kms:eu-west-1:" + "k" * (megabytes << 20)}},
          {})
    return export_of(s, seed)


def export_of(s: Stack, seed: int) -> dict[str, Any]:
    """The ``pulumi stack export`` document (version 3) of a built stack."""
    return {
        "version": 3,
        "deployment": {
            "manifest": {"time": TIME, "magic": _hex(random.Random(seed), 64),
                         "version": PULUMI_VERSION},
            "secrets_providers": {"type": "passphrase", "state": {
                "salt": "v1:" + base64.b64encode(random.Random(seed).randbytes(12)).decode()}},
            "resources": [state.document() for state in s.states],
        },
    }


def _set(document: dict[str, Any], path: tuple[str | int, ...], value: Any) -> None:
    current: Any = document
    for step in path[:-1]:
        current = current[step]
    current[path[-1]] = value


def preview(count: int, seed: int = 0, project: str = "bench",
            stack: str = "prod") -> dict[str, Any]:
    """A ``pulumi preview --json`` document of ``count`` resources (see :func:`preview_of`)."""
    return preview_of(build(count, seed, project, stack), seed)


def preview_of(s: Stack, seed: int) -> dict[str, Any]:
    """The ``pulumi preview --json`` document of a built stack.

    About a quarter of the resources are still to be created: their ids and
    outputs are unknown, and every reference to one of them is Pulumi's
    unknown value, pinned only by the referring input's property dependencies.
    """
    ops = random.Random(seed + 1)
    created: set[str] = set()
    steps: list[dict[str, Any]] = []
    summary: dict[str, int] = {}
    for state in s.states:
        if state.type.startswith("pulumi:"):
            op = "same"
        else:
            roll = ops.random()
            op = "create" if roll < 0.25 else ("update" if roll < 0.3 else "same")
            if op == "same" and any(urn in created for _, urn in state.references):
                op = "update"  # an input computed from a resource still to be created
        document = state.document()
        del document["created"], document["modified"]
        inputs = json.loads(json.dumps(document["inputs"]))
        for path, urn in state.references:
            if urn in created:
                _set(inputs, path, UNKNOWN)
        document["inputs"] = inputs
        if op == "create":
            created.add(state.urn)
            document["id"] = ""
            document["outputs"] = {**inputs, **{name: UNKNOWN for name in state.outputs
                                                if name not in inputs}}
        else:
            document["outputs"] = {**state.outputs, **inputs}
        step: dict[str, Any] = {"op": op, "urn": state.urn, "provider": state.provider or "",
                                "newState": document}
        if op != "create":
            step["oldState"] = {**document, "inputs": state.inputs, "outputs": state.outputs}
        steps.append(step)
        summary[op] = summary.get(op, 0) + 1
    return {"config": {"aws:region": "eu-west-1"}, "steps": steps, "duration": 0,
            "changeSummary": dict(sorted(summary.items()))}


def terraform_plan(count: int, seed: int = 0) -> dict[str, Any]:
    """A ``terraform show -json`` plan of ``count`` ``aws_instance`` resources.

    The instances mirror the synthetic AWS workloads: mostly SEV-SNP or
    enclave-enabled, with encrypted root volumes; about one in twenty has a
    root volume encrypted with the AWS-managed key (``encrypted`` and no
    ``kms_key_id``) — the case Checkov does not flag.
    """
    rng = random.Random(seed)
    resources: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    configuration: list[dict[str, Any]] = []
    for index in range(count):
        name = f"app_{index}"
        managed = rng.random() < 0.05
        snp = rng.random() < 0.7
        root: dict[str, Any] = {"delete_on_termination": True, "encrypted": True,
                                "volume_size": 30, "volume_type": "gp3", "tags": None}
        if not managed:
            root["kms_key_id"] = (f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/"
                                  f"{_uuid(rng)}")
        values: dict[str, Any] = {
            "ami": f"ami-{_hex(rng, 17)}",
            "instance_type": rng.choice(("m6a.large", "c6a.xlarge")) if snp else "m5.xlarge",
            "cpu_options": [{"amd_sev_snp": "enabled" if snp else None, "core_count": None,
                             "threads_per_core": None}],
            "enclave_options": [{"enabled": not snp}],
            "ebs_optimized": True,
            "monitoring": True,
            "metadata_options": [{"http_endpoint": "enabled", "http_tokens": "required",
                                  "http_put_response_hop_limit": 1,
                                  "instance_metadata_tags": "disabled"}],
            "root_block_device": [root],
            "ebs_block_device": [],
            "iam_instance_profile": "app-profile",
            "subnet_id": f"subnet-{_hex(rng, 17)}",
            "tags": {"Name": name, "data-classification": "confidential"},
            "tags_all": {"Name": name, "data-classification": "confidential"},
            "user_data_replace_on_change": False,
            "volume_tags": None,
        }
        after_unknown = {"arn": True, "id": True, "private_ip": True, "public_ip": True,
                         "primary_network_interface_id": True,
                         "root_block_device": [{"volume_id": True, "device_name": True,
                                                "iops": True, "throughput": True,
                                                **({} if not managed
                                                   else {"kms_key_id": True})}]}
        address = f"aws_instance.{name}"
        resources.append({"address": address, "mode": "managed", "type": "aws_instance",
                          "name": name, "provider_name": "registry.terraform.io/hashicorp/aws",
                          "schema_version": 1, "values": values,
                          "sensitive_values": {"root_block_device": [{}], "tags": {},
                                               "tags_all": {}}})
        changes.append({"address": address, "mode": "managed", "type": "aws_instance",
                        "name": name, "provider_name": "registry.terraform.io/hashicorp/aws",
                        "change": {"actions": ["create"], "before": None, "after": values,
                                   "after_unknown": after_unknown, "before_sensitive": False,
                                   "after_sensitive": {"root_block_device": [{}],
                                                       "tags": {}, "tags_all": {}}}})
        configuration.append({"address": address, "mode": "managed", "type": "aws_instance",
                              "name": name, "provider_config_key": "aws",
                              "expressions": {
                                  "ami": {"constant_value": values["ami"]},
                                  "instance_type": {"constant_value": values["instance_type"]},
                                  "root_block_device": [{
                                      "encrypted": {"constant_value": True},
                                      **({"kms_key_id": {"constant_value": root["kms_key_id"]}}
                                         if not managed else {})}]},
                              "schema_version": 1})
    return {
        "format_version": "1.2",
        "terraform_version": "1.9.8",
        "planned_values": {"root_module": {"resources": resources}},
        "resource_changes": changes,
        "configuration": {"provider_config": {"aws": {"name": "aws",
                                                      "full_name": "registry.terraform.io/"
                                                                   "hashicorp/aws"}},
                          "root_module": {"resources": configuration}},
        "timestamp": "2025-06-01T12:00:00Z",
        "errored": False,
    }


def aws_managed_root_volumes(plan: dict[str, Any]) -> list[str]:
    """Addresses of the plan's instances whose root volume uses the AWS-managed key."""
    return [
        resource["address"] for resource in plan["planned_values"]["root_module"]["resources"]
        if not resource["values"]["root_block_device"][0].get("kms_key_id")
    ]


def write_json(document: Any, path: str) -> int:
    """Write ``document`` as the Pulumi CLI does (4-space indent); the size in bytes."""
    text = json.dumps(document, indent=4) + "\n"
    with open(path, "w", encoding="utf-8") as file:
        file.write(text)
    return len(text.encode("utf-8"))


def main(argv: list[str] | None = None) -> int:
    """``python benchmarks/synthetic.py KIND SIZE PATH [--seed N] [--stack S]``.

    KIND is ``export``, ``preview`` (the mixed stack of SIZE resources), ``plan``
    (Checkov's Terraform plan), ``snp-export`` or ``snp-preview`` (issue 15's
    stack: SIZE SEV-SNP instances and SIZE / 2 KMS keys, :func:`snp_fleet`), ``unknowns``
    (SIZE instances of 200 unknown inputs, :func:`unknowns_preview`) or ``big-value`` (one
    instance with a string of SIZE MB, :func:`big_value_export`). Writes the document and prints its size in bytes (and, for a plan, the
    addresses of its instances with the AWS-managed root key, one per line).
    The benchmark generates in a child process so that its own memory stays
    small: a child's peak RSS counts the memory of the process that started it.
    """
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("kind", choices=("export", "preview", "plan", "snp-export",
                                         "snp-preview", "unknowns", "big-value"))
    parser.add_argument("size", type=int)
    parser.add_argument("path")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--stack", default="prod")
    args = parser.parse_args(argv)
    if args.kind == "plan":
        document = terraform_plan(args.size, args.seed)
        print(write_json(document, args.path))
        print("\n".join(aws_managed_root_volumes(document)))
    elif args.kind.startswith("snp-"):
        fleet = snp_fleet(args.size, args.seed, stack=args.stack)
        document = (export_of(fleet, args.seed) if args.kind == "snp-export"
                    else preview_of(fleet, args.seed))
        print(write_json(document, args.path))
    elif args.kind == "unknowns":
        print(write_json(unknowns_preview(args.size, args.seed), args.path))
    elif args.kind == "big-value":
        print(write_json(big_value_export(args.size, args.seed), args.path))
    elif args.kind == "export":
        print(write_json(stack_export(args.size, args.seed, stack=args.stack), args.path))
    else:
        print(write_json(preview(args.size, args.seed, stack=args.stack), args.path))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
