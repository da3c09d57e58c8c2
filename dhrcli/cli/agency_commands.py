"""Commands over agencies: the agencies list, aliases, sectors."""

from __future__ import annotations

import click

from .base import (SECTORS, chart_option, cli, db_option, filter_options, output_options,
                   write_counts)

@cli.group(invoke_without_command=True)
@filter_options
@click.option("--unmatched", is_flag=True,
              help="Only agencies the registry does not know (sector from name rules, or other), "
                   "with a suggested sector for those left as other where one can be guessed.")
@output_options
@db_option
@click.pass_context
def agencies(ctx, filters, unmatched, fmt, style, headers, where):
    """The agencies in the catalogue, one row per body, and their aliases.

    Each addressee is matched to one canonical agency: case, white space, apostrophes,
    '&'/'and', a leading 'The' and a trailing 'Ltd' do not count, and the registry's aliases
    (shipped, then your aliases file) name the same body. 'matched' says where the sector came
    from: registry, user (your file), rules (the name rules) or other (no rule matched).

    \b
    Example:
        dhr agencies
        dhr agencies --unmatched
        dhr agencies alias "GM Police" "Greater Manchester Police"
        dhr agencies unalias "GM Police"
    """
    if ctx.invoked_subcommand is not None:
        return
    from ..output import write

    columns = ["agency", "sector", "scope", "matched", "aliases", "spellings", "recommendations",
               "reviews"] + (["suggested"] if unmatched else [])
    table = ["agency", "sector", "matched", "recommendations", "suggested"] if unmatched else None
    write(where.open().counts.agency_counts(filters, unmatched, with_aliases=True), columns, fmt,
          style, headers, table_columns=table)


@agencies.command()
@click.argument("alias")
@click.argument("name")
@click.option("--sector", type=click.Choice(SECTORS), metavar="SECTOR",
              help="Also set the sector of NAME.")
@db_option
def alias(alias, name, sector, where):
    """Make ALIAS another name for the agency NAME, and re-link the catalogue at once.

    NAME may itself be any name or alias the registry knows; ALIAS then joins that body. The
    alias is kept in your aliases file (see 'dhr info'), which wins over the shipped registry.

    \b
    Example:
        dhr agencies alias "GM Police" "Greater Manchester Police"
        dhr agencies alias "Leeway" "Leeway Domestic Abuse and Violence Services" --sector specialist-da
    """
    from .. import agencies as registry_file

    catalogue = where.open(write=True)
    known = catalogue.store.registry.lookup(name)
    target = known.name if known else " ".join(name.split())
    registry_file.save_alias(where.aliases_path(), alias, target, sector)
    changed = catalogue.links.relink()
    click.echo(f"dhr: {alias!r} now names {target!r} (in {where.aliases_path()}); "
               f"{changed} addressee link{'s' if changed != 1 else ''} changed", err=True)


@agencies.command()
@click.argument("alias")
@db_option
def unalias(alias, where):
    """Stop ALIAS naming an agency (yours, or a shipped one), and re-link the catalogue.

    \b
    Example:
        dhr agencies unalias "GM Police"
    """
    from .. import agencies as registry_file

    catalogue = where.open(write=True)
    registry_file.drop_alias(where.aliases_path(), catalogue.store.registry, alias)
    changed = catalogue.links.relink()
    click.echo(f"dhr: {alias!r} is no longer an alias (in {where.aliases_path()}); "
               f"{changed} addressee link{'s' if changed != 1 else ''} changed", err=True)


@agencies.command(name="set-sector")
@click.argument("name")
@click.argument("sector", type=click.Choice(SECTORS), metavar="SECTOR")
@db_option
def set_sector(name, sector, where):
    """Give the agency NAME (any name or alias) the sector SECTOR, in your aliases file.

    For the bodies 'dhr agencies --unmatched' lists: a name the registry does not know and
    the name rules could not place.

    \b
    Example:
        dhr agencies set-sector "Harbour" specialist-da
    """
    from .. import agencies as registry_file

    catalogue = where.open(write=True)
    known = catalogue.store.registry.lookup(name)
    target = known.name if known else catalogue.names.agency_name(name)
    registry_file.save_sector(where.aliases_path(), target, sector)
    catalogue.links.relink()
    click.echo(f"dhr: {target!r} is now in sector {sector} (in {where.aliases_path()})", err=True)


@cli.command()
@filter_options
@chart_option
@output_options
@db_option
def sectors(filters, chart, fmt, style, headers, where):
    """Recommendations, reviews and agencies per sector, most first.

    A recommendation addressed to agencies in two sectors counts in each. The sectors are
    those of the DHR literature (police, health-commissioner, health-provider, la-children,
    ...); 'dhr agencies --sector SECTOR' lists the agencies in one. --agency, --sector and
    --national/--local choose the agencies counted; the other filters, the recommendations.

    \b
    Example:
        dhr sectors
        dhr sectors --theme training --csv
        dhr sectors --chart sectors.svg
    """
    catalogue = where.open()
    write_counts(catalogue.counts.sector_counts(filters),
                 ["sector", "recommendations", "reviews", "agencies"], chart,
                 "Recommendations by sector", catalogue, fmt, style, headers)
