@echo off
rem fwknop: the Postern SPA client, with fwknop 2.6.10's command line and fwknop 1.9's spellings (fwknop -h).
rem A plain Java program, no Karaf: the jars are in <dist>\client\lib or <dist>\lib. Raw packets
rem (-P udpraw|tcpraw|icmp) are not available on Windows, as with fwknop.
rem Environment: JAVA_HOME (Java 17 or later), FWKNOP_JAVA_OPTS (extra JVM options).
setlocal
set "DIST=%~dp0.."
set "LIB=%DIST%\lib"
if exist "%DIST%\client\lib" set "LIB=%DIST%\client\lib"
set "JAVA=java"
if defined JAVA_HOME set "JAVA=%JAVA_HOME%\bin\java.exe"
"%JAVA%" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData %FWKNOP_JAVA_OPTS% -Dpostern.cwd="%CD%" -Dpostern.client.lib="%LIB%" -cp "%LIB%\*" org.postern.client.Fwknop %*
exit /b %ERRORLEVEL%
