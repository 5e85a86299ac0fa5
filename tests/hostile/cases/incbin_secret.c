// expect: RE build=inside
/* Compiled inside the box: .incbin of a file outside it. */
__asm__(".section .rodata\n"
	".incbin \"" SECRET "\"\n"
	".text\n");

int main(void)
{
	return 0;
}
