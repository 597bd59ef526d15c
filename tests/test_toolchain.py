"""The toolchain step picks a JDK >= 21 or fails with a message that says what to do."""
import subprocess

from conftest import ROOT


def toolchain(env_extra, tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), **env_extra}
    return subprocess.run(["bash", "-c", ". scripts/toolchain.sh && echo \"JAVA_HOME=$JAVA_HOME\""], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def fake_jdk(root, name, version):
    home = root / name
    (home / "bin").mkdir(parents=True)
    (home / "bin" / "javac").write_text("#!/bin/sh\n")
    (home / "bin" / "javac").chmod(0o755)
    (home / "release").write_text(f'JAVA_VERSION="{version}"\n')
    return home


def test_fails_clearly_without_a_jdk_21(tmp_path):
    jvms = tmp_path / "jvm"
    fake_jdk(jvms, "java-17", "17.0.15")
    result = toolchain({"COSTLINK_JVM_DIR": str(jvms), "JAVA_HOME": str(jvms / "java-17")}, tmp_path)
    assert result.returncode != 0
    assert "no JDK >= 21 found" in result.stderr


def test_prefers_a_new_enough_java_home(tmp_path):
    jvms = tmp_path / "jvm"
    fake_jdk(jvms, "java-25", "25.0.3")
    mine = fake_jdk(tmp_path / "mine", "jdk-21", "21.0.9")
    result = toolchain({"COSTLINK_JVM_DIR": str(jvms), "JAVA_HOME": str(mine)}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"JAVA_HOME={mine}" in result.stdout


def test_falls_back_to_the_newest_jdk_under_the_jvm_dir(tmp_path):
    jvms = tmp_path / "jvm"
    fake_jdk(jvms, "java-17", "17.0.15")
    fake_jdk(jvms, "java-21", "21.0.9")
    newest = fake_jdk(jvms, "java-25", "25.0.3")
    result = toolchain({"COSTLINK_JVM_DIR": str(jvms), "JAVA_HOME": str(jvms / "java-17")}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"JAVA_HOME={newest}" in result.stdout
