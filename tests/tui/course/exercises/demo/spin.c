/* demo/spin: a program that never ends, to test cancelling a check. */
int main(void)
{
	for (;;) {
	}
}
