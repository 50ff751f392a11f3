"""Offline answers for a Pulumi program: the identifiers a real cloud would return.

A program run offline must come out with the same references as a real run:
an instance that names a key by ``key.arn`` must name *that* key, so that the
engine resolves the reference instead of seeing a missing key. The mocks give
every resource the outputs its cloud gives it (ARNs, key ids, self links,
ARM ids, key URIs, attestation URIs), deterministically from its name and
inputs, and answer the invokes programs commonly call.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping
from typing import Any

import pulumi

ACCOUNT_ID = "123456789012"
SUBSCRIPTION_ID = "00000000-0000-0000-0000-000000000000"
TENANT_ID = "11111111-1111-1111-1111-111111111111"
GCP_PROJECT_NUMBER = "123456789"
_NAMESPACE = uuid.UUID("6f1c3d0e-5b7a-4c55-9a0e-3c1d2b4a5f60")


def _hex(name: str, length: int = 17) -> str:
    return hashlib.sha256(name.encode()).hexdigest()[:length]


def _config(key: str, default: str) -> str:
    value = pulumi.runtime.get_config(key)
    return value if isinstance(value, str) and value else default


class OfflineMocks(pulumi.runtime.Mocks):
    """Mocks that answer like AWS, Azure and GCP would, without a network."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict]:
        inputs = dict(args.inputs)
        package = args.typ.split(":", 1)[0]
        if package == "aws":
            identifier, outputs = _aws(args.typ, args.name, inputs)
        elif package == "azure-native":
            identifier, outputs = _azure(args.typ, args.name, inputs)
        elif package == "aws-native":
            identifier, outputs = _aws_native(args.typ, args.name, inputs)
        elif package == "azure":
            identifier, outputs = _azure_classic(args.typ, args.name, inputs)
        elif package == "gcp":
            identifier, outputs = _gcp(args.typ, args.name, inputs)
        elif package == "oci":
            identifier, outputs = _oci(args.typ, args.name)
        elif package == "ibm":
            identifier, outputs = _ibm(args.typ, args.name, inputs)
        else:
            identifier, outputs = f"{args.name}-id", {}
        if args.resource_id:
            identifier = args.resource_id
        return identifier, {**inputs, **outputs}

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict, list[tuple[str, str]]]:
        return _invoke(args.token, dict(args.args)), []


# --- AWS ---------------------------------------------------------------------


def _aws(type_token: str, name: str, inputs: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    region = _config("aws:region", "us-east-1")
    module = type_token.split(":")[1].split("/")[0]
    given = inputs.get("name") if isinstance(inputs.get("name"), str) else None
    if type_token == "aws:kms/key:Key" or type_token in (
        "aws:kms/externalKey:ExternalKey", "aws:kms/replicaKey:ReplicaKey"
    ):
        key_id = str(uuid.uuid5(_NAMESPACE, name))
        return key_id, {"keyId": key_id, "arn": f"arn:aws:kms:{region}:{ACCOUNT_ID}:key/{key_id}"}
    if type_token == "aws:kms/alias:Alias":
        alias = given or f"alias/{name}"
        return alias, {"name": alias, "arn": f"arn:aws:kms:{region}:{ACCOUNT_ID}:{alias}"}
    if type_token == "aws:kms/customKeyStore:CustomKeyStore":
        store_id = f"cks-{_hex(name)}"
        return store_id, {"id": store_id}
    if module == "iam":
        kind = type_token.rsplit(":", 1)[-1]
        resource_name = given or name
        segment = {"Role": "role", "InstanceProfile": "instance-profile", "Policy": "policy",
                   "User": "user"}.get(kind)
        outputs: dict[str, Any] = {"name": resource_name}
        if segment:
            outputs["arn"] = f"arn:aws:iam::{ACCOUNT_ID}:{segment}/{resource_name}"
            outputs["uniqueId"] = f"AROA{_hex(name, 16).upper()}"
        return (outputs["arn"] if kind == "Policy" else resource_name), outputs
    prefixes = {
        "aws:ec2/instance:Instance": ("i", "instance"),
        "aws:ebs/volume:Volume": ("vol", "volume"),
        "aws:ec2/launchTemplate:LaunchTemplate": ("lt", "launch-template"),
        "aws:ec2/securityGroup:SecurityGroup": ("sg", "security-group"),
        "aws:ec2/vpc:Vpc": ("vpc", "vpc"),
        "aws:ec2/subnet:Subnet": ("subnet", "subnet"),
    }
    prefix, kind = prefixes.get(type_token, (name, type_token.rsplit(":", 1)[-1].lower()))
    identifier = f"{prefix}-{_hex(name)}"
    return identifier, {"arn": f"arn:aws:{module}:{region}:{ACCOUNT_ID}:{kind}/{identifier}"}


# The physical id CloudFormation (Cloud Control) gives each aws-native type, and the
# output that echoes it: (id prefix or None for a name, output name).
_AWS_NATIVE_IDS = {
    "aws-native:ec2:Instance": ("i", "instanceId"),
    "aws-native:ec2:Volume": ("vol", "volumeId"),
    "aws-native:ec2:LaunchTemplate": ("lt", "launchTemplateId"),
    "aws-native:ec2:Ec2Fleet": ("fleet", "fleetId"),
    "aws-native:ec2:SpotFleet": ("sfr", "id"),
}


def _aws_native(type_token: str, name: str, inputs: Mapping[str, Any]) -> tuple[str,
                                                                               dict[str, Any]]:
    """Identifiers of pulumi-aws-native resources: the resource id is the physical id
    (a key id, a volume id, a role or profile name), with the ARN outputs they have."""
    region = _config("aws-native:region", _config("aws:region", "us-east-1"))
    if type_token in ("aws-native:kms:Key", "aws-native:kms:ReplicaKey"):
        key_id = str(uuid.uuid5(_NAMESPACE, name))
        return key_id, {"keyId": key_id, "arn": f"arn:aws:kms:{region}:{ACCOUNT_ID}:key/{key_id}"}
    if type_token == "aws-native:kms:Alias":
        alias = inputs.get("aliasName") if isinstance(inputs.get("aliasName"), str) else None
        alias = alias or f"alias/{name}"
        return alias, {"aliasName": alias}
    if type_token in ("aws-native:iam:Role", "aws-native:iam:InstanceProfile"):
        kind, field, segment = (("Role", "roleName", "role") if type_token.endswith("Role")
                                else ("InstanceProfile", "instanceProfileName",
                                      "instance-profile"))
        given = inputs.get(field)
        resource_name = given if isinstance(given, str) and given else name
        outputs: dict[str, Any] = {field: resource_name,
                                   "arn": f"arn:aws:iam::{ACCOUNT_ID}:{segment}/{resource_name}"}
        if kind == "Role":
            outputs["roleId"] = f"AROA{_hex(name, 16).upper()}"
        return resource_name, outputs
    prefix, output = _AWS_NATIVE_IDS.get(type_token, (None, None))
    if prefix is None or output is None:
        return f"{name}-id", {}
    identifier = f"{prefix}-{_hex(name)}"
    if type_token == "aws-native:ec2:LaunchTemplate":
        return identifier, {output: identifier, "latestVersionNumber": "1",
                            "defaultVersionNumber": "1"}
    return identifier, {output: identifier}


# --- Azure -------------------------------------------------------------------

# The input that names an Azure resource, most specific first: a key's own name
# before its vault's, a node pool's before its cluster's.
_AZURE_NAME_INPUTS = (
    "vmName", "diskName", "diskEncryptionSetName", "keyName", "vaultName", "providerName",
    "agentPoolName", "databaseName", "containerGroupName", "name", "resourceName",
)


def _azure(type_token: str, name: str, inputs: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    _, namespace, kind = type_token.split(":")
    group = inputs.get("resourceGroupName") if isinstance(inputs.get("resourceGroupName"),
                                                          str) else "rg"
    resource_name = next(
        (inputs[field] for field in _AZURE_NAME_INPUTS if isinstance(inputs.get(field), str)),
        name,
    )
    if kind == "ResourceGroup":
        resource_name = inputs.get("resourceGroupName") or name
        arm_id = f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{resource_name}"
        return arm_id, {"name": resource_name}
    provider_namespace = {
        "compute": "Microsoft.Compute", "keyvault": "Microsoft.KeyVault",
        "attestation": "Microsoft.Attestation", "network": "Microsoft.Network",
        "containerservice": "Microsoft.ContainerService", "sql": "Microsoft.Sql",
        "containerinstance": "Microsoft.ContainerInstance",
        "managedidentity": "Microsoft.ManagedIdentity",
    }.get(namespace, f"Microsoft.{namespace.capitalize()}")
    arm_id = (f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{group}/providers/"
              f"{provider_namespace}/{kind[0].lower() + kind[1:]}s/{resource_name}")
    outputs: dict[str, Any] = {"name": resource_name}
    if type_token == "azure-native:keyvault:Key":
        vault = inputs.get("vaultName", "vault")
        key_uri = f"https://{vault}.vault.azure.net/keys/{resource_name}"
        outputs.update(keyUri=key_uri, keyUriWithVersion=f"{key_uri}/{_hex(name, 32)}")
        arm_id = (f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{group}/providers/"
                  f"Microsoft.KeyVault/vaults/{vault}/keys/{resource_name}")
    elif type_token == "azure-native:attestation:AttestationProvider":
        location = str(inputs.get("location", "eastus")).replace(" ", "").lower()
        outputs["attestUri"] = f"https://{resource_name}.{location}.attest.azure.net"
    elif type_token == "azure-native:keyvault:Vault":
        outputs["properties"] = {
            **(inputs.get("properties") or {}),
            "vaultUri": f"https://{resource_name}.vault.azure.net/",
        }
    elif type_token in ("azure-native:compute:DiskEncryptionSet",
                        "azure-native:managedidentity:UserAssignedIdentity"):
        outputs["identity"] = {**(inputs.get("identity") or {}),
                               "principalId": str(uuid.uuid5(_NAMESPACE, name))}
        outputs["principalId"] = str(uuid.uuid5(_NAMESPACE, name))
    return arm_id, outputs


def _azure_classic(type_token: str, name: str, inputs: Mapping[str, Any]) -> tuple[
        str, dict[str, Any]]:
    """The classic ``azure`` provider (azurerm): ARM ids, and a key's versioned URL as its id."""
    module, kind = type_token.split(":")[1].split("/")[0], type_token.rsplit(":", 1)[-1]
    group = inputs.get("resourceGroupName") if isinstance(inputs.get("resourceGroupName"),
                                                          str) else "rg"
    resource_name = inputs.get("name") if isinstance(inputs.get("name"), str) else name
    if type_token == "azure:core/resourceGroup:ResourceGroup":
        return f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{resource_name}", {
            "name": resource_name}
    if type_token in ("azure:keyvault/key:Key", "azure:keyvault/managedHardwareSecurityModuleKey:"
                      "ManagedHardwareSecurityModuleKey"):
        parent = inputs.get("keyVaultId") or inputs.get("managedHsmId")
        vault = parent.rstrip("/").rsplit("/", 1)[-1] if isinstance(parent, str) else "vault"
        host = "managedhsm" if kind.startswith("Managed") else "vault"
        versionless = f"https://{vault}.{host}.azure.net/keys/{resource_name}"
        return f"{versionless}/{_hex(name, 32)}", {
            "name": resource_name, "versionlessId": versionless,
            "resourceId": f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{group}/providers/"
                          f"Microsoft.KeyVault/vaults/{vault}/keys/{resource_name}"}
    provider_namespace = {
        "compute": "Microsoft.Compute", "keyvault": "Microsoft.KeyVault",
        "containerservice": "Microsoft.ContainerService", "mssql": "Microsoft.Sql",
        "network": "Microsoft.Network", "attestation": "Microsoft.Attestation",
    }.get(module, f"Microsoft.{module.capitalize()}")
    arm_id = (f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{group}/providers/"
              f"{provider_namespace}/{kind[0].lower() + kind[1:]}s/{resource_name}")
    outputs: dict[str, Any] = {"name": resource_name}
    if type_token == "azure:keyvault/keyVault:KeyVault":
        outputs["vaultUri"] = f"https://{resource_name}.vault.azure.net/"
    elif type_token == "azure:attestation/provider:Provider":
        location = str(inputs.get("location", "eastus")).replace(" ", "").lower()
        outputs["attestationUri"] = f"https://{resource_name}.{location}.attest.azure.net"
    return arm_id, outputs


# --- GCP ---------------------------------------------------------------------


def _gcp(type_token: str, name: str, inputs: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    project = inputs.get("project") if isinstance(inputs.get("project"), str) else _config(
        "gcp:project", "offline-project")
    zone = inputs.get("zone") if isinstance(inputs.get("zone"), str) else _config(
        "gcp:zone", "us-central1-a")
    location = inputs.get("location") if isinstance(inputs.get("location"), str) else "global"
    resource_name = inputs.get("name") if isinstance(inputs.get("name"), str) else name
    compute = "https://www.googleapis.com/compute/v1/"
    if type_token == "gcp:kms/keyRing:KeyRing":
        identifier = f"projects/{project}/locations/{location}/keyRings/{resource_name}"
        return identifier, {"name": resource_name}
    if type_token == "gcp:kms/cryptoKey:CryptoKey":
        ring = inputs.get("keyRing") if isinstance(inputs.get("keyRing"), str) else (
            f"projects/{project}/locations/global/keyRings/ring")
        identifier = f"{ring}/cryptoKeys/{resource_name}"
        return identifier, {"name": resource_name}
    if type_token == "gcp:iam/workloadIdentityPool:WorkloadIdentityPool":
        pool = inputs.get("workloadIdentityPoolId", resource_name)
        full = f"projects/{GCP_PROJECT_NUMBER}/locations/global/workloadIdentityPools/{pool}"
        return full, {"name": full}
    if type_token == "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider":
        pool = inputs.get("workloadIdentityPoolId", "pool")
        provider = inputs.get("workloadIdentityPoolProviderId", resource_name)
        full = (f"projects/{GCP_PROJECT_NUMBER}/locations/global/workloadIdentityPools/{pool}"
                f"/providers/{provider}")
        return full, {"name": full}
    if type_token == "gcp:serviceaccount/account:Account":
        account = inputs.get("accountId", resource_name)
        email = f"{account}@{project}.iam.gserviceaccount.com"
        return f"projects/{project}/serviceAccounts/{email}", {
            "email": email, "member": f"serviceAccount:{email}", "name": email}
    kind = type_token.rsplit(":", 1)[-1]
    collection = kind[0].lower() + kind[1:] + "s"
    if type_token.startswith("gcp:compute/") and kind in ("Instance", "Disk"):
        identifier = f"projects/{project}/zones/{zone}/{collection}/{resource_name}"
    else:
        identifier = f"projects/{project}/global/{collection}/{resource_name}"
    outputs: dict[str, Any] = {"name": resource_name}
    if type_token.startswith("gcp:compute/"):
        outputs["selfLink"] = compute + identifier
    return identifier, outputs


# --- invokes -------------------------------------------------------------------


# --- Oracle Cloud --------------------------------------------------------------


def _oci(type_token: str, name: str) -> tuple[str, dict[str, Any]]:
    """An OCID (``ocid1.<kind>.oc1.<region>.<unique>``), and a vault's endpoints."""
    region = _config("oci:region", "us-ashburn-1")
    kind = type_token.rsplit(":", 1)[-1].lower()
    identifier = f"ocid1.{kind}.oc1.{region}.{_hex(type_token + name, 24)}"
    if type_token == "oci:Kms/vault:Vault":
        host = _hex(name, 12)
        return identifier, {
            "managementEndpoint": f"https://{host}-management.kms.{region}.oraclecloud.com",
            "cryptoEndpoint": f"https://{host}-crypto.kms.{region}.oraclecloud.com",
        }
    return identifier, {}


# --- IBM Cloud -----------------------------------------------------------------


def _ibm(type_token: str, name: str, inputs: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """A CRN (``crn:v1:bluemix:public:<service>:<region>:a/<account>:<instance>:<kind>:<id>``).

    A root key's CRN names its service as the key's instance does (a ``service`` of
    Key Protect, ``kms``, when the instance is not known offline).
    """
    region = _config("ibm:region", "us-south")
    unique = _hex(type_token + name, 32)
    if type_token == "ibm:index/kmsKey:KmsKey":
        crn = f"crn:v1:bluemix:public:kms:{region}:a/{ACCOUNT_ID}:{_hex(name, 8)}:key:{unique}"
        return crn, {"crn": crn, "keyId": unique}
    if type_token == "ibm:index/resourceInstance:ResourceInstance":
        service = str(inputs.get("service") or "resource-controller")
        crn = f"crn:v1:bluemix:public:{service}:{region}:a/{ACCOUNT_ID}:{unique}::"
        return crn, {"crn": crn, "guid": unique}
    kind = type_token.rsplit(":", 1)[-1].lower()
    return f"{region}_{unique}", {"crn": f"crn:v1:bluemix:public:is:{region}:a/{ACCOUNT_ID}"
                                          f"::{kind}:{unique}"}


def _policy_document(args: Mapping[str, Any]) -> dict[str, Any]:
    statements = []
    for raw in args.get("statements") or []:
        statement: dict[str, Any] = {"Effect": raw.get("effect", "Allow")}
        if raw.get("sid"):
            statement["Sid"] = raw["sid"]
        principals: dict[str, list[str]] = {}
        for principal in raw.get("principals") or []:
            principals.setdefault(principal.get("type", "AWS"), []).extend(
                principal.get("identifiers") or [])
        if principals:
            statement["Principal"] = {k: v[0] if len(v) == 1 else v for k, v in principals.items()}
        for field, key in (("actions", "Action"), ("notActions", "NotAction"),
                           ("resources", "Resource")):
            values = raw.get(field)
            if values:
                statement[key] = values[0] if len(values) == 1 else values
        conditions: dict[str, dict[str, Any]] = {}
        for condition in raw.get("conditions") or []:
            values = condition.get("values") or []
            conditions.setdefault(condition["test"], {})[condition["variable"]] = (
                values[0] if len(values) == 1 else values)
        if conditions:
            statement["Condition"] = conditions
        statements.append(statement)
    return {"Version": "2012-10-17", "Statement": statements}


def _invoke(token: str, args: dict[str, Any]) -> dict[str, Any]:
    region = _config("aws:region", "us-east-1")
    if token == "aws:index/getCallerIdentity:getCallerIdentity":
        return {"accountId": ACCOUNT_ID, "arn": f"arn:aws:iam::{ACCOUNT_ID}:user/offline",
                "userId": "AIDAOFFLINE", "id": ACCOUNT_ID}
    if token in ("aws:index/getRegion:getRegion", "aws:index/getRegion:getRegionResult"):
        return {"name": region, "region": region, "id": region,
                "endpoint": f"ec2.{region}.amazonaws.com", "description": region}
    if token == "aws:index/getPartition:getPartition":
        return {"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws",
                "reverseDnsPrefix": "com.amazonaws"}
    if token == "aws:index/getAvailabilityZones:getAvailabilityZones":
        zones = [f"{region}a", f"{region}b", f"{region}c"]
        return {"names": zones, "zoneIds": zones, "id": region}
    if token == "aws:ec2/getAmi:getAmi":
        return {**args, "id": "ami-0123456789abcdef0", "imageId": "ami-0123456789abcdef0",
                "architecture": "x86_64", "arn": f"arn:aws:ec2:{region}::image/ami-0123456789abcdef0"}
    if token == "aws:iam/getPolicyDocument:getPolicyDocument":
        document = _policy_document(args)
        return {"json": json.dumps(document), "minifiedJson": json.dumps(
            document, separators=(",", ":")), "id": "policy"}
    if token == "azure-native:authorization:getClientConfig":
        return {"clientId": "offline", "objectId": str(uuid.uuid5(_NAMESPACE, "caller")),
                "subscriptionId": SUBSCRIPTION_ID, "tenantId": TENANT_ID}
    if token in ("gcp:organizations/getProject:getProject", "gcp:organizations/getClientConfig:getClientConfig"):
        project = _config("gcp:project", "offline-project")
        return {"number": GCP_PROJECT_NUMBER, "projectId": project, "project": project,
                "id": f"projects/{project}", "name": project,
                "region": _config("gcp:region", "us-central1"),
                "zone": _config("gcp:zone", "us-central1-a")}
    if token == "gcp:compute/getImage:getImage":
        image = args.get("name") or args.get("family") or "image"
        project = args.get("project", "offline-project")
        link = f"https://www.googleapis.com/compute/v1/projects/{project}/global/images/{image}"
        return {**args, "selfLink": link, "id": link, "name": image}
    # Anything else: echo the arguments so attribute access works, with an id.
    return {**args, "id": f"{token.rsplit(':', 1)[-1]}-offline"}
