"""``custodes catalog refresh CLOUD…``: rebuild the confidential machine-type catalogue live.

AWS: ``DescribeInstanceTypes`` (with ``processor-info.supported-features`` for
SEV-SNP, ``NitroEnclavesSupport`` for enclaves); Azure: resource SKUs'
``ConfidentialComputingType`` capability; GCP: the machine types of each
technology's series. Clouds not named keep their bundled sections. The result
goes to ``--output`` (or stdout); point ``CUSTODES_CATALOG`` at it to use it.
"""

from __future__ import annotations

import argparse
import datetime
import json
from typing import Any

from custodes.commands.output import EXIT_ERROR, EXIT_OK, print_error, write
from custodes.errors import UsageError

CLOUDS = ("aws", "azure", "gcp")


def add_parser(commands: Any) -> None:
    """Declare ``catalog`` and its ``refresh`` subcommand."""
    parser = commands.add_parser("catalog", help="the confidential machine-type catalogue",
                                 description="The catalogue of machine types that can run "
                                             "SEV-SNP, TDX, SGX and Nitro Enclaves.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION",
                                    parser_class=type(parser))
    refresh = actions.add_parser("refresh", help="rebuild the catalogue from the clouds' APIs")
    refresh.add_argument("clouds", nargs="+", choices=CLOUDS, metavar="CLOUD",
                         help="aws, azure and/or gcp")
    refresh.add_argument("--output", metavar="FILE",
                         help="write the catalogue here, not to stdout")
    refresh.add_argument("--region", action="append", default=[], metavar="REGION",
                         help="AWS regions, Azure locations or GCP regions to read "
                              "(repeatable)")
    refresh.add_argument("--subscription", metavar="ID", help="Azure subscription")
    refresh.add_argument("--project", metavar="ID", help="GCP project")
    refresh.add_argument("--endpoint", metavar="URL",
                         help="the Azure Resource Manager or GCP API endpoint")
    refresh.add_argument("--max-attempts", type=int, default=5, metavar="N")
    refresh.add_argument("--date", metavar="YYYY-MM-DD",
                         help="the catalogue's date (default: today, UTC)")
    refresh.set_defaults(handler=run_refresh)
    parser.set_defaults(handler=_needs_action)


def _needs_action(arguments: argparse.Namespace) -> int:
    raise UsageError("an action is required (refresh); see `custodes catalog --help`")


def run_refresh(arguments: argparse.Namespace) -> int:
    """Read each named cloud's machine types and write the rebuilt catalogue."""
    from custodes.catalog import load
    from custodes.catalog.refresh import refreshed
    from custodes.sources.live import CloudAccessError, LiveOptions, cloud_module

    clouds = sorted(set(arguments.clouds), key=CLOUDS.index)
    if arguments.endpoint and (len(clouds) != 1 or clouds[0] == "aws"):
        raise UsageError("--endpoint applies to one cloud, azure or gcp (AWS takes "
                         "AWS_ENDPOINT_URL)")
    if arguments.max_attempts < 1:
        raise UsageError("--max-attempts must be positive")
    date = arguments.date or datetime.datetime.now(datetime.UTC).date().isoformat()
    try:
        datetime.date.fromisoformat(date)
    except ValueError:
        raise UsageError(f"--date {date!r} is not a YYYY-MM-DD date") from None
    regions = tuple(r.strip() for value in arguments.region for r in value.split(",")
                    if r.strip())
    options = LiveOptions(regions=regions, subscription=arguments.subscription,
                          project=arguments.project, endpoint=arguments.endpoint,
                          max_attempts=arguments.max_attempts)
    bundled = load()
    sections: dict[str, Any] = {}
    sources: list[str] = []
    errors: list[str] = []
    for cloud in clouds:
        try:
            connection = cloud_module(cloud).connect(options)
            if cloud == "aws":
                from custodes.sources.live import aws

                sections["aws_instance_types"] = aws.instance_types(connection)
                sources.append("AWS EC2 DescribeInstanceTypes (processor-info.supported-"
                               f"features, NitroEnclavesSupport) in {', '.join(connection.regions)}")
            elif cloud == "azure":
                from custodes.sources.live import azure

                sections["azure_sizes"] = azure.sizes(azure.resource_skus(connection, regions))
                sources.append("Azure Compute resource SKUs (ConfidentialComputingType) in "
                               + (", ".join(regions) or "every location"))
            else:
                from custodes.sources.live import gcp

                sections["gcp_machine_types"] = gcp.confidential_machine_types(
                    gcp.machine_types(connection, options), bundled["gcp"]["series"],
                    bundled["gcp"].get("machine_types", {}))
                sources.append("GCP Compute machineTypes.aggregatedList in "
                               + (", ".join(regions) or "every zone"))
        except CloudAccessError as error:
            errors.append(str(error))
    if errors:
        for line in errors:
            print_error(line)
        return EXIT_ERROR
    document = refreshed(bundled, date=date, sources=sources, **sections)
    write(json.dumps(document, indent=2) + "\n", arguments.output)
    return EXIT_OK
