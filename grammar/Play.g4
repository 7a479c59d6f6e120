// The Play language (LANGUAGE.md, contract v0).
//
// The C++ parser is generated from this file at build time by Debian's `antlr4`
// tool and is never committed. Only compiler/syntax sees the generated types:
// it turns the parse tree into our own AST (compiler/ast).
//
// Newlines are not significant: every play item starts with a keyword or a
// metadata name, and no expression can be followed by a bare name, so items
// separate themselves.
grammar Play;

// ---------------------------------------------------------------- top level

file : decl* EOF ;

// One expression alone: `playc eval` and the `{expr}` parts of templates.
exprOnly : expr EOF ;

decl
  : signalDecl
  | entityDecl
  | valueDecl
  | suppressDecl
  | actionDecl
  | playDecl
  | testDecl
  | scoreDecl
  ;

// `signal T { f: type ... }` declares a signal's schema, or extends it.
signalDecl : SIGNAL signalName LBRACE fieldDecl* RBRACE ;
// `entity account { f: type }` extends a context record.
entityDecl : ENTITY ident LBRACE fieldDecl* RBRACE ;
fieldDecl  : anyName COLON typeExpr COMMA? ;

typeExpr   : typeName (LT typeExpr (COMMA typeExpr)* GT)? QUESTION? ;
typeName   : ident | LIST ;

// list / const / pool / icp: project-level names.
valueDecl  : kind=(LIST | CONST | POOL | ICP) ident ASSIGN expr ;

// The one central suppression block: rules in order, first that holds wins.
suppressDecl : SUPPRESS LBRACE suppressRule* RBRACE ;
suppressRule : expr AS STRING ;

// Action signatures (stdlib): `action enroll(sequence: string, rep: string? = null) to "sequencer"`.
actionDecl : ACTION ident LPAREN (paramDecl (COMMA paramDecl)* COMMA?)? RPAREN (TO STRING)? ;
paramDecl  : anyName COLON typeExpr (ASSIGN expr)? ;

// ---------------------------------------------------------------- plays

playDecl : PLAY ident LBRACE playItem* RBRACE ;

playItem
  : onClause                                                  # onItem
  | WHERE ICP ident                                           # whereIcpItem
  | WHERE expr                                                # whereItem
  | UNLESS SUPPRESSED                                         # unlessSuppressedItem
  | UNLESS FIRED WITHIN DURATION (PER per=(CONTACT | ACCOUNT))? # unlessFiredItem
  | UNLESS expr AS STRING                                     # unlessItem
  | LET ident ASSIGN expr                                     # letItem
  | DO ident LPAREN (namedArg (COMMA namedArg)* COMMA?)? RPAREN # doItem
  | ALERT OFF                                                 # alertOffItem
  | ALERT ident OFF                                           # alertRuleOffItem
  | ALERT ident dir=(BELOW | ABOVE | AFTER) alertValue        # alertItem
  | metaName expr                                             # metaItem
  ;

// An alert threshold (`alert volume below 30%`, `alert volume above 5x`,
// `alert latency_p95 above 30m`, `alert undelivered after 2h`); `alert off`
// silences the play, `alert volume_drop off` one rule. Any measure name, any
// direction and any of the three forms
// parse, and so does a bare number: the checker knows which measure takes
// which form and says so in words.
alertValue
  : (INT | FLOAT) PERCENT?                                    # numberAlertValue
  | FACTOR                                                    # factorAlertValue
  | DURATION                                                  # durationAlertValue
  ;

// Metadata keys are ordinary names (`owner` is also an account field); the
// checker knows which ones exist.
metaName : IDENT ;

namedArg : anyName COLON expr ;

onClause
  : ON signalName                                                          # onSignal
  | ON ANY OF LPAREN signalName (COMMA signalName)* COMMA? RPAREN          # onAnyOf
  // --- temporal forms (LANGUAGE.md section 10; docs/language.md section 12)
  // absence: `absence of T` or, filtered, `absence of (T where e)`: the
  // parentheses keep the filter apart from `for D`, as in count(...) and all of (...)
  | ON ABSENCE OF (signalName | LPAREN signalFilter RPAREN) FOR DURATION perClause? # onAbsence
  | ON COUNT LPAREN signalFilter RPAREN cmpOp expr WITHIN DURATION perClause? # onCount
  | ON ALL OF LPAREN signalFilter (COMMA signalFilter)* COMMA? RPAREN WITHIN DURATION perClause? # onAllOf
  | ON RATE LPAREN signalFilter COMMA DURATION RPAREN cmpOp expr perClause? # onRate
  | ON SCORE ident CROSSES expr                                             # onScore
  ;

signalFilter : signalName (WHERE expr)? ;
perClause    : PER ident ;
cmpOp        : EQ | NE | LT | LE | GT | GE ;

// `score intent per account half_life 7d { T where e => 10 ... }` (temporal, reserved)
scoreDecl : SCORE ident perClause? HALF_LIFE DURATION LBRACE scoreRule* RBRACE ;
scoreRule : signalFilter ARROW expr COMMA? ;

// Signal type names are dotted: website.page_viewed
signalName : anyName (DOT anyName)* ;

// ---------------------------------------------------------------- tests (section 9)
//
// test "pricing visit enrolls" {
//   given account { domain: "bigco.com", employees: 1200 }
//   given contact { email: "ana@bigco.com" }
//   signal website.page_viewed at 5m { contact: "ana@bigco.com", category: "pricing" }
//   expect pricing_visit do enroll(sequence: "ent") times 1
//   expect pricing_visit outcome suppressed "open opportunity"
//   expect nothing else
// }
testDecl : TEST STRING LBRACE testItem* RBRACE ;

testItem
  : GIVEN ident record                                                       # testGiven
  | SIGNAL signalName (AT DURATION)? record?                                 # testSignal
  | AFTER DURATION                                                           # testAfter
  | EXPECT ident DO ident (LPAREN (namedArg (COMMA namedArg)* COMMA?)? RPAREN)? timesClause? # testExpectAction
  | EXPECT ident OUTCOME ident STRING? (ON STRING)? timesClause?            # testExpectOutcome
  | EXPECT NOTHING ELSE                                                      # testExpectNothingElse
  ;
timesClause : TIMES INT ;
record      : LBRACE (recordField (COMMA recordField)* COMMA?)? RBRACE ;
recordField : anyName COLON expr ;

// ---------------------------------------------------------------- expressions
//
// Precedence low -> high: ?:  ??  or  and  not  comparisons/in  + -  * / %  unary -  . [] call
// (ANTLR: the earlier a left-recursive alternative, the tighter it binds.)

expr
  : primary                                                   # primaryExpr
  | expr DOT anyName LPAREN args? RPAREN                      # methodExpr
  | expr DOT anyName                                          # memberExpr
  | expr LBRACK expr RBRACK                                   # indexExpr
  | MINUS expr                                                # negExpr
  | expr op=(STAR | SLASH | PERCENT) expr                     # mulExpr
  | expr op=(PLUS | MINUS) expr                               # addExpr
  | expr op=(EQ | NE | LT | LE | GT | GE | IN) expr           # cmpExpr
  | expr NOT IN expr                                          # notInExpr
  | op=(NOT | BANG) expr                                      # notExpr
  | expr op=(AND | ANDAND) expr                               # andExpr
  | expr op=(OR | OROR) expr                                  # orExpr
  | <assoc = right> expr QQ expr                              # coalesceExpr
  | <assoc = right> expr QUESTION expr COLON expr             # condExpr
  ;

primary
  : literal                                                   # literalPrimary
  | ident LPAREN args? RPAREN                                 # callPrimary
  | ident                                                     # identPrimary
  | SIGNAL                                                    # signalPrimary
  | LPAREN expr RPAREN                                        # parenPrimary
  | LBRACK (expr (COMMA expr)* COMMA?)? RBRACK                # listPrimary
  | LBRACE (mapEntry (COMMA mapEntry)* COMMA?)? RBRACE        # mapPrimary
  ;

args     : expr (COMMA expr)* COMMA? ;
mapEntry : expr COLON expr ;

literal
  : INT | FLOAT | DURATION | STRING | TRUE | FALSE | NULL_
  ;

// Words that are keywords only where the grammar expects them; elsewhere they
// are ordinary names (`signal.score`, `account.owner`, `l.all(x, p)`).
ident
  : IDENT
  | ANY | OF | ABSENCE | FOR | COUNT | ALL | RATE | SCORE | CROSSES | HALF_LIFE
  | PER | FIRED | WITHIN | SUPPRESSED | CONTACT | ACCOUNT
  | GIVEN | EXPECT | AT | TIMES | NOTHING | ELSE | OUTCOME | TO | ACTION | TEST
  | ALERT | OFF | BELOW | ABOVE | AFTER
  ;

// After a dot, in field and argument names: any word at all (`signal.from`, `signal.in`).
anyName
  : ident
  | SIGNAL | ENTITY | LIST | CONST | POOL | ICP | SUPPRESS | PLAY
  | ON | WHERE | UNLESS | LET | DO | AS | IN | NOT | AND | OR | TRUE | FALSE | NULL_
  ;

// ---------------------------------------------------------------- lexer

SIGNAL   : 'signal' ;
ENTITY   : 'entity' ;
LIST     : 'list' ;
CONST    : 'const' ;
POOL     : 'pool' ;
ICP      : 'icp' ;
SUPPRESS : 'suppress' ;
ACTION   : 'action' ;
PLAY     : 'play' ;
TEST     : 'test' ;
ON       : 'on' ;
WHERE    : 'where' ;
UNLESS   : 'unless' ;
LET      : 'let' ;
DO       : 'do' ;
AS       : 'as' ;
IN       : 'in' ;
NOT      : 'not' ;
AND      : 'and' ;
OR       : 'or' ;
TRUE     : 'true' ;
FALSE    : 'false' ;
NULL_    : 'null' ;  // not `NULL`: the generated C++ would collide with the NULL macro
// contextual words (see `ident`)
ANY        : 'any' ;
OF         : 'of' ;
ABSENCE    : 'absence' ;
FOR        : 'for' ;
COUNT      : 'count' ;
ALL        : 'all' ;
RATE       : 'rate' ;
SCORE      : 'score' ;
CROSSES    : 'crosses' ;
HALF_LIFE  : 'half_life' ;
PER        : 'per' ;
FIRED      : 'fired' ;
WITHIN     : 'within' ;
SUPPRESSED : 'suppressed' ;
CONTACT    : 'contact' ;
ACCOUNT    : 'account' ;
GIVEN      : 'given' ;
EXPECT     : 'expect' ;
AT         : 'at' ;
TIMES      : 'times' ;
NOTHING    : 'nothing' ;
ELSE       : 'else' ;
OUTCOME    : 'outcome' ;
TO         : 'to' ;
ALERT      : 'alert' ;
OFF        : 'off' ;
BELOW      : 'below' ;
ABOVE      : 'above' ;
AFTER      : 'after' ;

LBRACE   : '{' ;
RBRACE   : '}' ;
LPAREN   : '(' ;
RPAREN   : ')' ;
LBRACK   : '[' ;
RBRACK   : ']' ;
COMMA    : ',' ;
COLON    : ':' ;
DOT      : '.' ;
ARROW    : '=>' ;
EQ       : '==' ;
NE       : '!=' ;
LE       : '<=' ;
GE       : '>=' ;
LT       : '<' ;
GT       : '>' ;
ASSIGN   : '=' ;
QQ       : '??' ;
QUESTION : '?' ;
ANDAND   : '&&' ;
OROR     : '||' ;
BANG     : '!' ;
PLUS     : '+' ;
MINUS    : '-' ;
STAR     : '*' ;
SLASH    : '/' ;
PERCENT  : '%' ;

// 30s 15m 4h 7d 2w 250ms, and compounds 1h30m. Before INT so `5m` is one token.
DURATION : (DIGITS DURATION_UNIT)+ ;
fragment DURATION_UNIT : 'ms' | 's' | 'm' | 'h' | 'd' | 'w' ;

// 5x, 1.5x: a multiple (alert thresholds). One token, so `5x` cannot be read
// as a number followed by a name; `0x2A` stays a hex INT (the longer match).
FACTOR : DIGITS ('.' DIGITS)? 'x' ;

FLOAT
  : DIGITS '.' DIGITS EXPONENT?
  | DIGITS EXPONENT
  | '.' DIGITS EXPONENT?
  ;
INT : '0' [xX] HEX+ | DIGITS ;
// A number with letters glued on that is none of the above (`7days`, `2min`,
// `1.5h`, `12px`): one token, so compiler/syntax can say what was meant at the
// number instead of reading `ays` or `in` as the start of something else.
NUMBER_WITH_LETTERS : DIGITS ('.' DIGITS)? [A-Za-z_] [A-Za-z0-9_]* ;
fragment DIGITS   : [0-9]+ ;
fragment HEX      : [0-9a-fA-F] ;
fragment EXPONENT : [eE] [+-]? DIGITS ;

// "…", '…', """…""", '''…''', and raw r"…" / r'…'. Escapes are decoded by compiler/syntax.
STRING
  : [rR]? '"""' .*? '"""'
  | [rR]? '\'\'\'' .*? '\'\'\''
  | [rR]? '"' (ESC | ~["\\\r\n])* '"'
  | [rR]? '\'' (ESC | ~['\\\r\n])* '\''
  ;
fragment ESC : '\\' . ;

IDENT : [A-Za-z_] [A-Za-z0-9_]* ;

LINE_COMMENT  : '//' ~[\r\n]* -> channel(HIDDEN) ;
BLOCK_COMMENT : '/*' .*? '*/' -> channel(HIDDEN) ;
WS            : [ \t\r\n\f]+ -> skip ;

// Anything else is one bad character: compiler/syntax reports it in words.
// A quote with no closing quote on its line (one character shorter than a
// STRING, so a well-formed string always wins).
UNTERMINATED_STRING : [rR]? ('"' (ESC | ~["\\\r\n])* | '\'' (ESC | ~['\\\r\n])*) ;
BAD_CHAR : . ;
