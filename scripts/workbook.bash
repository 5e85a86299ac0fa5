# bash completion for workbook
_workbook()
{
	local cur prev words cword
	_init_completion 2>/dev/null || {
		cur=${COMP_WORDS[COMP_CWORD]}
		prev=${COMP_WORDS[COMP_CWORD-1]}
		words=("${COMP_WORDS[@]}")
		cword=$COMP_CWORD
	}
	local commands="list check next hint reset solution doctor init dev grade export new sandbox"
	local cmd="" i
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		--course|-C) ((i++)) ;;
		-*) ;;
		*) cmd=${words[i]}; break ;;
		esac
	done
	case $prev in
	--course|-C|init) COMPREPLY=($(compgen -d -- "$cur")); return ;;
	--format) COMPREPLY=($(compgen -W "text json gradescope junit tap csv" -- "$cur")); return ;;
	esac
	if [[ -z $cmd ]]; then
		COMPREPLY=($(compgen -W "$commands --course --plain --color=auto --color=always --color=never --help --version" -- "$cur"))
		return
	fi
	case $cmd in
	check|hint|reset|solution)
		local names
		names=$(workbook list --format json 2>/dev/null |
			sed -n 's/.*"name": "\([^"]*\)".*/\1/p')
		COMPREPLY=($(compgen -W "$names --format" -- "$cur"))
		;;
	dev) COMPREPLY=($(compgen -W "check book" -- "$cur")) ;;
	esac
}
complete -F _workbook workbook
