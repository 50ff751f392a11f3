"""A launch template for enclave parents that leaves IMDSv1 on."""
import pulumi_aws as aws

aws.ec2.LaunchTemplate(
    "enclave-template",
    image_id="ami-0123456789abcdef0",
    instance_type="m5.xlarge",
    enclave_options={"enabled": True},
    metadata_options={"http_tokens": "optional"},
)
