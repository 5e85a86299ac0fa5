/*
 * A stand-in for `workbook sandbox` while the command is not yet in
 * main.c's table: the same cmd_sandbox(), linked with only the engine
 * files it needs (runner/sandbox.c and runner/util).
 */
int cmd_sandbox(int argc, char **argv);

int main(int argc, char **argv)
{
	static char name[] = "sandbox";

	argv[0] = name;
	return cmd_sandbox(argc, argv);
}
