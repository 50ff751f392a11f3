"""``custodes audit CLOUD…``: judge what is deployed, read from the live cloud.

The live resources are read with each cloud's SDK (boto3, azure-mgmt-*,
google-cloud-*) and judged by the same rules as ``custodes check``. With
``--stack-export`` only the stack's resources are judged, and the report says
where their live custody drifted from the declared one. Missing or refused
credentials give one line per cloud and exit code 2.
"""

from __future__ import annotations

import argparse
from typing import Any

from custodes.commands.output import EXIT_ERROR, add_output_arguments, emit, print_error
from custodes.errors import InputError, UsageError

CLOUDS = ("aws", "azure", "gcp")


def add_parser(commands: Any) -> None:
    """Declare ``audit`` and its arguments."""
    parser = commands.add_parser(
        "audit",
        help="judge what is deployed in the live cloud",
        description="Read the deployed resources of AWS, Azure and/or GCP through their SDKs "
                    "(credentials from each SDK's default chain) and judge them with the "
                    "rules of `custodes check`.",
    )
    parser.add_argument("clouds", nargs="+", choices=CLOUDS, metavar="CLOUD",
                        help="aws, azure and/or gcp")
    add_output_arguments(parser)
    parser.add_argument("--region", action="append", default=[], metavar="REGION",
                        help="AWS region, Azure location or GCP region to read (repeatable; "
                             "default: the stack's regions with --stack-export, else AWS's "
                             "configured region and every Azure/GCP location)")
    parser.add_argument("--subscription", metavar="ID",
                        help="Azure subscription (default: the stack's, or "
                             "AZURE_SUBSCRIPTION_ID)")
    parser.add_argument("--project", metavar="ID",
                        help="GCP project (default: the stack's, or the credentials' project)")
    parser.add_argument("--stack-export", metavar="FILE",
                        help="a `pulumi stack export` file: judge only its resources, and "
                             "report drift from what it declares")
    parser.add_argument("--endpoint", metavar="URL",
                        help="the Azure Resource Manager or GCP API endpoint (sovereign "
                             "clouds, private endpoints); AWS takes AWS_ENDPOINT_URL")
    parser.add_argument("--max-attempts", type=int, default=5, metavar="N",
                        help="attempts per API call, throttling included (default 5)")
    parser.add_argument("--max-input-mb", type=int, default=512, metavar="MIB",
                        help="refuse a stack export larger than this (default 512)")
    parser.set_defaults(handler=run)


def _declared(path: str, limit_mb: int) -> Any:
    from custodes.model import Graph
    from custodes.sources import read_bytes
    from custodes.sources.documents import detect, parse_json, state_resources

    document = parse_json(read_bytes(path, limit_mb), path)
    if detect(document, path) != "state":
        raise InputError(f"{path}: --stack-export takes a `pulumi stack export` file, "
                         "not a preview")
    return Graph(state_resources(document, path))


def run(arguments: argparse.Namespace) -> int:
    """Read each cloud, judge the resources and write the report; the exit code."""
    from custodes.config import build_settings, read_config_file
    from custodes.engine import evaluate
    from custodes.sources.live import (
        CloudAccessError,
        LiveOptions,
        audit_graph,
        cloud_module,
        wanted_identifiers,
    )

    clouds = sorted(set(arguments.clouds), key=CLOUDS.index)
    if arguments.max_attempts < 1 or arguments.max_input_mb <= 0:
        raise UsageError("--max-attempts and --max-input-mb must be positive")
    if arguments.endpoint and (len(clouds) != 1 or clouds[0] == "aws"):
        raise UsageError("--endpoint applies to one cloud, azure or gcp (AWS takes "
                         "AWS_ENDPOINT_URL)")
    document = read_config_file(arguments.config) if arguments.config else None
    settings = build_settings(arguments.profile, document, arguments.config or "configuration")
    declared = _declared(arguments.stack_export, arguments.max_input_mb) \
        if arguments.stack_export else None
    regions = tuple(r.strip() for value in arguments.region for r in value.split(",")
                    if r.strip())

    connections: dict[str, Any] = {}
    options: dict[str, LiveOptions] = {}
    errors: list[str] = []
    for cloud in clouds:
        module = cloud_module(cloud)
        stack_scope: tuple[str, ...] = module.stack_scope(declared) if declared is not None else ()
        wanted = wanted_identifiers(declared, module.READ_TYPES) if declared is not None else ()
        options[cloud] = LiveOptions(
            regions=regions or (stack_scope if cloud == "aws" else ()),
            subscription=arguments.subscription or (
                stack_scope[0] if cloud == "azure" and len(stack_scope) == 1 else None),
            project=arguments.project or (
                stack_scope[0] if cloud == "gcp" and len(stack_scope) == 1 else None),
            endpoint=arguments.endpoint,
            max_attempts=arguments.max_attempts,
            wanted=wanted,
        )
        try:
            connections[cloud] = module.connect(options[cloud])
        except CloudAccessError as error:
            errors.append(str(error))
    reads = []
    if not errors:
        for cloud in clouds:
            try:
                reads.append(cloud_module(cloud).read(connections[cloud], options[cloud]))
            except CloudAccessError as error:
                errors.append(str(error))
    if errors:
        for line in errors:
            print_error(line)
        return EXIT_ERROR
    report = evaluate(audit_graph(reads, declared), settings)
    return emit(report, arguments)
