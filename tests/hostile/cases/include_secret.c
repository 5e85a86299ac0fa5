// expect: RE build=inside
/* Compiled inside the box: a file outside the box (SECRET) cannot be
 * pulled in by #include, and its text never shows in the diagnostics. */
#include SECRET

int main(void)
{
	return 0;
}
