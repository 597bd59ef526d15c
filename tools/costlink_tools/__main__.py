"""`costlink <command>`: the project's command-line entry point."""
import sys

COMMANDS = {
    "plan": "costlink_tools.plan",
    "invoke": "costlink_tools.invoke",
    "demo": "costlink_tools.demo",
    "tenant": "costlink_tools.tenant",
    "status": "costlink_tools.status",
    "member-template": "costlink_tools.member_template",
    "dashboard": "costlink_tools.dashboard",
    "local": "costlink_tools.local_cloud.cli",
}


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print("usage: costlink <command> [options]\n\ncommands:")
        for name, module in COMMANDS.items():
            doc = __import__(module, fromlist=["__doc__"]).__doc__.strip().splitlines()[0]
            print(f"  {name:<16} {doc}")
        return 0 if len(sys.argv) >= 2 and sys.argv[1] in ("-h", "--help") else 2
    module = __import__(COMMANDS[sys.argv[1]], fromlist=["main"])
    return module.main(sys.argv[2:])


if __name__ == "__main__":
    raise SystemExit(main())
