# bash completion for kernellens-cli and kernellens                       -*- shell-script -*-

_kernellens_cli()
{
    local cur prev words cword
    _init_completion || return

    local global_opts="--db --json --csv --quiet -q --version --help -h"
    local commands="ingest search thread stats adoption onboarding coverage friction patches series review link derive report"

    # Find the subcommand (skipping global options and their values).
    local i cmd="" sub=""
    for ((i = 1; i < cword; i++)); do
        case "${words[i]}" in
            --db) ((i++)) ;;
            -*) ;;
            *)
                if [[ -z $cmd ]]; then
                    cmd=${words[i]}
                elif [[ $cmd == ingest && -z $sub ]]; then
                    sub=${words[i]}
                fi
                ;;
        esac
    done

    case $prev in
        --db)
            _filedir -d
            return
            ;;
        -o | --out)
            _filedir
            return
            ;;
        -f | --format)
            COMPREPLY=($(compgen -W "html pdf md json csv" -- "$cur"))
            return
            ;;
        --section)
            COMPREPLY=($(compgen -W "adoption coverage friction onboarding review" -- "$cur"))
            return
            ;;
        --since | --until | --subsystem | --list | --release | --compare | --title | --ignored-after)
            return
            ;;
        --language)
            COMPREPLY=($(compgen -W "second c other" -- "$cur"))
            return
            ;;
        --by)
            COMPREPLY=($(compgen -W "month quarter release" -- "$cur"))
            return
            ;;
        --methods)
            COMPREPLY=($(compgen -W "trailer applied patch-id author-date subject" -- "$cur"))
            return
            ;;
        --only)
            COMPREPLY=($(compgen -W "threads friction release-trees patch-ids links review" -- "$cur"))
            return
            ;;
    esac

    if [[ -z $cmd ]]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "$global_opts" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$commands" -- "$cur"))
        fi
        return
    fi

    case $cmd in
        ingest)
            if [[ -z $sub ]]; then
                COMPREPLY=($(compgen -W "git mail" -- "$cur"))
            elif [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "--list --help $global_opts" -- "$cur"))
            else
                _filedir
            fi
            ;;
        patches | series | review)
            COMPREPLY=($(compgen -W "--since --until --list --subsystem --language --by --help $global_opts" -- "$cur"))
            ;;
        link)
            COMPREPLY=($(compgen -W "--methods --evaluate --help $global_opts" -- "$cur"))
            ;;
        derive)
            COMPREPLY=($(compgen -W "--only --force --list --ignored-after --help $global_opts" -- "$cur"))
            ;;
        report)
            COMPREPLY=($(compgen -W "--format --out --since --until --subsystem --list --release --compare
                --section --title --help $global_opts" -- "$cur"))
            ;;
        *)
            if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "--help $global_opts" -- "$cur"))
            fi
            ;;
    esac
} &&
    complete -F _kernellens_cli kernellens-cli

_kernellens()
{
    local cur prev words cword
    _init_completion || return
    case $prev in
        --db) _filedir -d; return ;;
        --screenshot) _filedir png; return ;;
        --view) COMPREPLY=($(compgen -W "sources dashboard adoption coverage friction onboarding review search" -- "$cur")); return ;;
        --size) return ;;
    esac
    COMPREPLY=($(compgen -W "--db --screenshot --view --size --help --version" -- "$cur"))
} &&
    complete -F _kernellens kernellens

# ex: filetype=sh
