"""Print a SAM template as CloudFormation deploys it: after the AWS::Serverless-2016-10-31 transform, as JSON.

    python policy/sam_transform.py template.yaml > template.transformed.json

`sam validate` runs this same translation but does not print it; this uses its SamTemplateValidator (local CodeUri
replaced by a placeholder S3 URI). No AWS call: the managed-policy map it would fetch from IAM is empty, and the
translator resolves AWS managed policies named by short name from the list it ships with.
"""
import json
import sys


class NoManagedPolicies:
    def load(self):
        return {}


def transformed(text, region="us-east-1"):
    from samcli.lib.translate.sam_template_validator import SamTemplateValidator
    from samcli.yamlhelper import yaml_parse

    validator = SamTemplateValidator(yaml_parse(text), NoManagedPolicies(), region=region)
    return yaml_parse(validator.get_translated_template_if_valid())


def main(argv):
    if len(argv) != 2:
        sys.exit("usage: sam_transform.py TEMPLATE")
    with open(argv[1], encoding="utf-8") as f:
        json.dump(transformed(f.read()), sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv)
